package io.distlock.benchmarks.adapter;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.integration.redis.util.RedisLockRegistry.RedisLockType;

/**
 * The lock libraries the benchmark compares, each with the role it plays in the report.
 *
 * @since 1.0.0
 */
public enum Library {

	/** One SET NX PX and one compare-and-delete: what every ratio is measured against. */
	FLOOR("raw floor", Role.FLOOR, RawFloorAdapter::new, RawFloorAdapter::onCluster),

	/** The auto-configured lock manager's {@code lock(key, ttl, wait)} then {@code await()}. */
	DISTLOCK_LOCK("distlock lock().await()", Role.DISTLOCK, DistlockAdapter.onRedis(DistlockAdapter.Form.AWAIT),
			DistlockAdapter.onCluster(DistlockAdapter.Form.AWAIT)),

	/** The auto-configured lock manager's {@code acquire(LockRequest)} in try-with-resources. */
	DISTLOCK_ACQUIRE("distlock acquire()", Role.DISTLOCK, DistlockAdapter.onRedis(DistlockAdapter.Form.ACQUIRE),
			DistlockAdapter.onCluster(DistlockAdapter.Form.ACQUIRE)),

	/** distlock's {@code @DistributedLock} aspect on a Spring bean. */
	DISTLOCK_ASPECT("distlock @DistributedLock", Role.DISTLOCK, DistlockAspectAdapter::new),

	/** distlock's programmatic API on ZooKeeper. */
	DISTLOCK_ZOOKEEPER("distlock ZooKeeper", Role.DISTLOCK, Store.ZOOKEEPER, DistlockAdapter::onZooKeeper),

	/** Redisson's RLock. */
	REDISSON("Redisson RLock", Role.COMPETITOR, RedissonAdapter::new, RedissonAdapter::onCluster),

	/** Spring Integration's RedisLockRegistry, spin lock (its default). */
	SI_SPIN("Spring Integration SPIN_LOCK", Role.COMPETITOR,
			(endpoint) -> new SpringIntegrationAdapter(endpoint, RedisLockType.SPIN_LOCK),
			(cluster) -> new SpringIntegrationAdapter(cluster, RedisLockType.SPIN_LOCK)),

	/** Spring Integration's RedisLockRegistry, pub/sub lock. */
	SI_PUB_SUB("Spring Integration PUB_SUB_LOCK", Role.COMPETITOR,
			(endpoint) -> new SpringIntegrationAdapter(endpoint, RedisLockType.PUB_SUB_LOCK),
			(cluster) -> new SpringIntegrationAdapter(cluster, RedisLockType.PUB_SUB_LOCK)),

	/** ShedLock's Spring Data Redis provider, tried again every millisecond while busy. */
	SHEDLOCK("ShedLock RedisLockProvider", Role.COMPETITOR, ShedLockAdapter::new, ShedLockAdapter::new),

	/** Curator's InterProcessMutex on ZooKeeper. */
	CURATOR_MUTEX("Curator InterProcessMutex", Role.COMPETITOR, Store.ZOOKEEPER, CuratorMutexAdapter::new);

	/**
	 * What a library is in the comparison.
	 */
	public enum Role {

		/** The baseline. */
		FLOOR,

		/** Ours. */
		DISTLOCK,

		/** What people use today. */
		COMPETITOR

	}

	/**
	 * Where a library keeps its locks.
	 */
	public enum Store {

		/** The benchmark's redis-server. */
		REDIS,

		/** The benchmark's in-process ZooKeeper server. */
		ZOOKEEPER

	}

	private final String label;

	private final Role role;

	private final Store store;

	private final Function<Endpoint, LockAdapter> opener;

	private final @Nullable Function<ClusterEndpoint, LockAdapter> clusterOpener;

	Library(String label, Role role, Function<Endpoint, LockAdapter> opener) {
		this(label, role, Store.REDIS, opener, null);
	}

	Library(String label, Role role, Function<Endpoint, LockAdapter> opener,
			Function<ClusterEndpoint, LockAdapter> clusterOpener) {
		this(label, role, Store.REDIS, opener, clusterOpener);
	}

	Library(String label, Role role, Store store, Function<Endpoint, LockAdapter> opener) {
		this(label, role, store, opener, null);
	}

	Library(String label, Role role, Store store, Function<Endpoint, LockAdapter> opener,
			@Nullable Function<ClusterEndpoint, LockAdapter> clusterOpener) {
		this.label = label;
		this.role = role;
		this.store = store;
		this.opener = opener;
		this.clusterOpener = clusterOpener;
	}

	/**
	 * The name people know the library by.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

	/**
	 * The library's role in the comparison.
	 * @return the role
	 */
	public Role role() {
		return this.role;
	}

	/**
	 * Where the library keeps its locks; Redis command counts exist only for {@link Store#REDIS}.
	 * @return the store
	 */
	public Store store() {
		return this.store;
	}

	/**
	 * A short key-safe name, also the namespace of the library's keys.
	 * @return e.g. {@code si-pub-sub}
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Connects the library to its store.
	 * @param endpoint the benchmark's Redis and ZooKeeper
	 * @return the adapter, which the caller closes
	 */
	public LockAdapter open(Endpoint endpoint) {
		return this.opener.apply(endpoint);
	}

	/**
	 * Whether the cluster run measures this library: the Redis libraries but the annotation path,
	 * which adds the same to distlock on a cluster as on one server.
	 * @return whether {@link #openOnCluster} works
	 */
	public boolean runsOnCluster() {
		return this.clusterOpener != null;
	}

	/**
	 * Connects the library to a Redis Cluster.
	 * @param cluster the benchmark's cluster
	 * @return the adapter, which the caller closes
	 * @throws IllegalStateException if the library does not {@link #runsOnCluster() run on a cluster}
	 */
	public LockAdapter openOnCluster(ClusterEndpoint cluster) {
		if (this.clusterOpener == null) {
			throw new IllegalStateException(this.label + " has no cluster run");
		}
		return this.clusterOpener.apply(cluster);
	}

	/**
	 * Whether the held-locks scenario measures this library: distlock's programmatic API and
	 * Redisson's watchdog.
	 * @return whether {@link #openHolder} works
	 */
	public boolean holdsLocks() {
		return this == DISTLOCK_LOCK || this == REDISSON;
	}

	/**
	 * Whether the two-key transfer scenario measures this library: distlock's {@code lockAll} and
	 * its {@code @DistributedLock} with a key collection, and Redisson's {@code RedissonMultiLock}.
	 * @return whether {@link LockAdapter#runLockedBoth} works
	 */
	public boolean locksKeyPairs() {
		return this == DISTLOCK_LOCK || this == DISTLOCK_ASPECT || this == REDISSON;
	}

	/**
	 * Whether the lock-kind scenarios measure this library: distlock's programmatic forms on Redis
	 * with {@code withMode(LockMode.SHARED)} and {@code withPermits(n)}, and Redisson's
	 * {@code RReadWriteLock} and {@code RPermitExpirableSemaphore}.
	 * @return whether {@link LockAdapter#runLockedAs} works
	 */
	public boolean hasLockKinds() {
		return this == DISTLOCK_LOCK || this == DISTLOCK_ACQUIRE || this == REDISSON;
	}

	/**
	 * Connects a fresh instance of the library, configured to hold many locks of a short ttl.
	 * @param endpoint the benchmark's Redis
	 * @param ttl the lease, renewed by the library while held
	 * @return the holder, which the caller closes
	 * @throws IllegalStateException if the library does not {@link #holdsLocks() hold locks}
	 */
	public LockHolder openHolder(Endpoint endpoint, Duration ttl) {
		return switch (this) {
			case DISTLOCK_LOCK -> new DistlockLockHolder(endpoint, ttl);
			case REDISSON -> new RedissonLockHolder(endpoint, ttl);
			default -> throw new IllegalStateException(this.label + " has no held-locks run");
		};
	}

	/**
	 * The library with this {@link #id()} or enum name.
	 * @param name the id or name
	 * @return the library
	 */
	public static Library of(String name) {
		return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
	}

}
