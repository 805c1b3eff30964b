package io.distlock.benchmarks.adapter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson's {@link RLock} with its defaults: {@code lock()} waits on pub/sub and the watchdog
 * renews the lease while held. Two keys: a {@code RedissonMultiLock} over their {@code RLock}s,
 * {@code tryLock(wait, lease, unit)} then {@code unlock()}. Lock kinds: the read and write locks of
 * an {@link RReadWriteLock} (each an {@code RLock}, taken as above), and permits as an
 * {@link RPermitExpirableSemaphore}: {@code tryAcquire(wait, lease, unit)}, then
 * {@code release(permitId)}.
 */
final class RedissonAdapter implements LockAdapter {

	private final RedissonClient client;

	/** The semaphores whose permits this adapter set, by key: once per key, not per acquisition. */
	private final Map<String, RPermitExpirableSemaphore> semaphores = new ConcurrentHashMap<>();

	RedissonAdapter(Endpoint endpoint) {
		this(singleServer(endpoint));
	}

	private RedissonAdapter(Config config) {
		this.client = Redisson.create(config);
	}

	static RedissonAdapter onCluster(ClusterEndpoint cluster) {
		Config config = new Config();
		config.useClusterServers()
			.addNodeAddress(cluster.nodes().stream().map((node) -> "redis://" + node).toArray(String[]::new))
			.setMasterConnectionPoolSize(Connections.POOL_SIZE);
		return new RedissonAdapter(config);
	}

	static Config singleServer(Endpoint endpoint) {
		Config config = new Config();
		config.useSingleServer()
			.setAddress("redis://" + endpoint.host() + ":" + endpoint.port())
			.setConnectionPoolSize(Connections.POOL_SIZE);
		return config;
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		LockAdapter.runHolding(this.client.getLock(key), criticalSection);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * A reader or writer takes the read or write lock of the key's {@link RReadWriteLock} with
	 * {@code lock()}, the watchdog renewing it; a permit is one of the key's
	 * {@link RPermitExpirableSemaphore}, whose permits are set the first time this adapter sees the
	 * key, and carries the benchmark's lease, which is not renewed.
	 */
	@Override
	public void runLockedAs(String key, LockKind kind, Runnable criticalSection) {
		if (kind.permits() == 1) {
			RReadWriteLock lock = this.client.getReadWriteLock(key);
			LockAdapter.runHolding(kind.shared() ? lock.readLock() : lock.writeLock(), criticalSection);
			return;
		}
		RPermitExpirableSemaphore semaphore = semaphore(key, kind.permits());
		String permit = waitFor(() -> semaphore.tryAcquire(WAIT.toMillis(), LEASE.toMillis(), TimeUnit.MILLISECONDS),
				() -> "A permit of Redisson semaphore '" + key + "'");
		try {
			criticalSection.run();
		}
		finally {
			semaphore.release(permit);
		}
	}

	private RPermitExpirableSemaphore semaphore(String key, int permits) {
		return this.semaphores.computeIfAbsent(key, (name) -> {
			RPermitExpirableSemaphore semaphore = this.client.getPermitExpirableSemaphore(name);
			if (!semaphore.trySetPermits(permits)) {
				throw new IllegalStateException("Redisson semaphore '" + name + "' already has its permits set");
			}
			return semaphore;
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The multi-lock takes its locks in the order given, each waiting up to the whole bound, so it
	 * gets them in key order: two transfers over one pair of keys in opposite directions would
	 * otherwise hold one each and wait for the other until the bound ran out.
	 */
	@Override
	public void runLockedBoth(String first, String second, Runnable criticalSection) {
		boolean inOrder = first.compareTo(second) <= 0;
		RLock both = this.client.getMultiLock(this.client.getLock(inOrder ? first : second),
				this.client.getLock(inOrder ? second : first));
		waitFor(() -> both.tryLock(WAIT.toMillis(), LEASE.toMillis(), TimeUnit.MILLISECONDS) ? both : null,
				() -> "Redisson multi-lock on '" + first + "' and '" + second + "'");
		try {
			criticalSection.run();
		}
		finally {
			both.unlock();
		}
	}

	/**
	 * What {@code attempt} acquired within the benchmark's wait.
	 * @param attempt returns what it acquired, or {@code null} if the wait ran out
	 * @param what names the lock in the failure
	 * @throws IllegalStateException if the wait ran out or the thread was interrupted
	 */
	private static <T> T waitFor(Attempt<T> attempt, Supplier<String> what) {
		T acquired;
		try {
			acquired = attempt.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting: " + what.get(), ex);
		}
		if (acquired == null) {
			throw new IllegalStateException(what.get() + " not acquired within " + WAIT);
		}
		return acquired;
	}

	@Override
	public void close() {
		this.client.shutdown();
	}

	/**
	 * A bounded wait for a lock or permit.
	 */
	@FunctionalInterface
	private interface Attempt<T> {

		@Nullable T acquire() throws InterruptedException;

	}

}
