package io.distlock.autoconfigure;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

import io.distlock.aop.DistributedLockAspect;
import io.distlock.core.LockSettings;

/**
 * The {@code distlock.*} properties. Setters reject values out of range, so a bad value fails
 * start-up naming the property.
 *
 * @since 1.0.0
 */
@ConfigurationProperties("distlock")
public class DistributedLockProperties {

	/**
	 * Whether to auto-configure the lock manager and the @DistributedLock aspect.
	 */
	private boolean enabled = true;

	/**
	 * Which lock store to use: auto picks ZooKeeper when distlock.zookeeper.connect-string is
	 * set or the context has a CuratorFramework bean, else Redis.
	 */
	private Backend backend = Backend.AUTO;

	/**
	 * Prefix of every lock key (and release channel) in Redis.
	 */
	private String keyPrefix = "lock:";

	/**
	 * Lease of a @DistributedLock that gives no ttl: how long its lock outlives a holder that
	 * stops renewing it. At least 1ms.
	 */
	private Duration defaultTtl = Duration.ofSeconds(30);

	/**
	 * How long a lock request waits when it gives no wait time (@DistributedLock without
	 * waitTime, LockManager.lock(key, ttl)). 0 tries once.
	 */
	private Duration defaultWaitTime = Duration.ofSeconds(10);

	/**
	 * Requests per key that may wait in this process (the holder not counted) before a new one
	 * is rejected at once.
	 */
	private int maxWaitersPerKey = 1000;

	/**
	 * Order of the @DistributedLock advice among other advice on the same method; lower runs
	 * outside. The default runs outside @Transactional (whose order is the lowest precedence),
	 * so the lock is released after commit.
	 */
	private int aspectOrder = DistributedLockAspect.DEFAULT_ORDER;

	private final Retry retry = new Retry();

	private final Redis redis = new Redis();

	private final LocalHandOff localHandOff = new LocalHandOff();

	private final ZooKeeper zookeeper = new ZooKeeper();

	private final Threads threads = new Threads();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Backend getBackend() {
		return this.backend;
	}

	public void setBackend(Backend backend) {
		this.backend = Objects.requireNonNull(backend, "distlock.backend must not be null");
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = Objects.requireNonNull(keyPrefix, "'keyPrefix' must not be null");
	}

	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(Duration defaultTtl) {
		this.defaultTtl = atLeastOneMilli(defaultTtl, "default-ttl");
	}

	public Duration getDefaultWaitTime() {
		return this.defaultWaitTime;
	}

	public void setDefaultWaitTime(Duration defaultWaitTime) {
		if (defaultWaitTime.isNegative()) {
			throw new IllegalArgumentException(
					"distlock.default-wait-time must not be negative, got " + defaultWaitTime);
		}
		this.defaultWaitTime = defaultWaitTime;
	}

	public int getMaxWaitersPerKey() {
		return this.maxWaitersPerKey;
	}

	public void setMaxWaitersPerKey(int maxWaitersPerKey) {
		if (maxWaitersPerKey < 0) {
			throw new IllegalArgumentException(
					"distlock.max-waiters-per-key must not be negative, got " + maxWaitersPerKey);
		}
		this.maxWaitersPerKey = maxWaitersPerKey;
	}

	public int getAspectOrder() {
		return this.aspectOrder;
	}

	public void setAspectOrder(int aspectOrder) {
		this.aspectOrder = aspectOrder;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public LocalHandOff getLocalHandOff() {
		return this.localHandOff;
	}

	public Threads getThreads() {
		return this.threads;
	}

	/**
	 * The lock manager settings these properties give.
	 * @return the settings
	 */
	public LockSettings lockSettings() {
		return new LockSettings(this.defaultWaitTime, this.maxWaitersPerKey, this.retry.getInitialInterval(),
				this.retry.getMaxInterval(), this.localHandOff.getWindow(), this.localHandOff.getMaxCount(),
				this.threads.getWorkers(), this.threads.getQueueCapacity());
	}

	public ZooKeeper getZookeeper() {
		return this.zookeeper;
	}

	private static Duration atLeastOneMilli(Duration duration, String property) {
		if (duration.toMillis() < 1) {
			throw new IllegalArgumentException("distlock." + property + " must be at least 1ms, got " + duration);
		}
		return duration;
	}

	/**
	 * The lock engine's own threads: besides these, one timer thread and one notifier thread
	 * (which completes futures and runs listeners off the engine), whatever the number of locks.
	 *
	 * @since 1.0.0
	 */
	public static class Threads {

		/**
		 * Worker threads for backend calls no caller waits on: attempts woken by a release,
		 * batched renewals, give-backs. Callers that wait make their own calls. At least 1.
		 */
		private int workers = 4;

		/**
		 * Backend calls that may queue for a worker; beyond it a request fails at once and a
		 * renewal that cannot be queued reports its lease lost. At least 1.
		 */
		private int queueCapacity = 100_000;

		public int getWorkers() {
			return this.workers;
		}

		public void setWorkers(int workers) {
			this.workers = atLeastOne(workers, "threads.workers");
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = atLeastOne(queueCapacity, "threads.queue-capacity");
		}

		private static int atLeastOne(int value, String property) {
			if (value < 1) {
				throw new IllegalArgumentException("distlock." + property + " must be at least 1, got " + value);
			}
			return value;
		}

	}

	/**
	 * Fallback retries of a waiting request, used when no release notification wakes it.
	 *
	 * @since 1.0.0
	 */
	public static class Retry {

		/**
		 * First retry delay after a busy attempt; doubles, with jitter, up to max-interval. At
		 * least 1ms.
		 */
		private Duration initialInterval = Duration.ofMillis(20);

		/**
		 * Longest retry delay; bounds how late a waiter notices a release whose notification was
		 * lost. At least initial-interval.
		 */
		private Duration maxInterval = Duration.ofSeconds(1);

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = atLeastOneMilli(initialInterval, "retry.initial-interval");
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = atLeastOneMilli(maxInterval, "retry.max-interval");
		}

	}

	/**
	 * Redis-specific settings.
	 *
	 * @since 1.0.0
	 */
	public static class Redis {

		/**
		 * How long a released lock stays reserved for the process that has waited longest for
		 * it, when other processes are known to wait. At least 1ms.
		 */
		private Duration fairHandOverWindow = Duration.ofMillis(50);

		/**
		 * How many replicas must acknowledge an acquisition (WAIT, pipelined with the acquire
		 * script) before it counts; with fewer the lock is given back and the attempt retried
		 * within the wait bound. Narrows, does not close, the window in which a failover loses a
		 * lock. 0 (the default) waits for none.
		 */
		private int replicaAcks = 0;

		/**
		 * How long each WAIT for replica acknowledgements may block. At least 1ms.
		 */
		private Duration replicaAckTimeout = Duration.ofMillis(500);

		public Duration getFairHandOverWindow() {
			return this.fairHandOverWindow;
		}

		public int getReplicaAcks() {
			return this.replicaAcks;
		}

		public void setReplicaAcks(int replicaAcks) {
			if (replicaAcks < 0) {
				throw new IllegalArgumentException("distlock.redis.replica-acks must not be negative, got " + replicaAcks);
			}
			this.replicaAcks = replicaAcks;
		}

		public Duration getReplicaAckTimeout() {
			return this.replicaAckTimeout;
		}

		public void setReplicaAckTimeout(Duration replicaAckTimeout) {
			this.replicaAckTimeout = atLeastOneMilli(replicaAckTimeout, "redis.replica-ack-timeout");
		}

		public void setFairHandOverWindow(Duration fairHandOverWindow) {
			this.fairHandOverWindow = atLeastOneMilli(fairHandOverWindow, "redis.fair-hand-over-window");
		}

	}

	/**
	 * In-memory hand-offs: a lock released while another request of this process waits for it
	 * passes to that request without a call to the backend, with the next fencing token, for a
	 * short window after each backend grant.
	 *
	 * @since 1.0.0
	 */
	public static class LocalHandOff {

		/**
		 * How long after the backend granted a lease it may still pass between requests of this
		 * process in memory; bounds how much longer other processes wait for their turn. 0 turns
		 * in-memory hand-offs off (every hand-off then goes through the backend).
		 */
		private Duration window = Duration.ofMillis(2);

		/**
		 * How many in-memory hand-offs one backend lease may see, at most 1000.
		 */
		private int maxCount = 32;

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			if (window.isNegative()) {
				throw new IllegalArgumentException("distlock.local-hand-off.window must not be negative, got " + window);
			}
			this.window = window;
		}

		public int getMaxCount() {
			return this.maxCount;
		}

		public void setMaxCount(int maxCount) {
			if (maxCount < 0 || maxCount > LockSettings.MAX_LOCAL_HAND_OFFS) {
				throw new IllegalArgumentException("distlock.local-hand-off.max-count must be between 0 and "
						+ LockSettings.MAX_LOCAL_HAND_OFFS + ", got " + maxCount);
			}
			this.maxCount = maxCount;
		}

	}

	/**
	 * The lock stores {@code distlock.backend} can name.
	 *
	 * @since 1.0.0
	 */
	public enum Backend {

		/** ZooKeeper when it is configured, else Redis. */
		AUTO,

		/** Redis, through the application's RedisConnectionFactory. */
		REDIS,

		/** ZooKeeper, through Apache Curator. */
		ZOOKEEPER

	}

	/**
	 * ZooKeeper-specific settings, used when the backend is ZooKeeper.
	 *
	 * @since 1.0.0
	 */
	public static class ZooKeeper {

		/**
		 * Ensemble to connect to, as host:port pairs separated by commas; selects ZooKeeper when
		 * distlock.backend is auto. Ignored when the context has a CuratorFramework bean.
		 */
		private @Nullable String connectString;

		/**
		 * Node under which each lock key gets a container node; every JVM sharing the ensemble
		 * and this path shares the locks.
		 */
		private String basePath = "/distlock";

		/**
		 * Session timeout requested from the ensemble (which bounds it): how long a crashed
		 * holder's locks outlive it. Ignored for a CuratorFramework bean.
		 */
		private Duration sessionTimeout = Duration.ofSeconds(30);

		/**
		 * How long to wait for a connection before an operation fails, and at start-up for the
		 * first connection. Ignored for a CuratorFramework bean.
		 */
		private Duration connectionTimeout = Duration.ofSeconds(10);

		public @Nullable String getConnectString() {
			return this.connectString;
		}

		public void setConnectString(@Nullable String connectString) {
			this.connectString = connectString;
		}

		public String getBasePath() {
			return this.basePath;
		}

		public void setBasePath(String basePath) {
			this.basePath = Objects.requireNonNull(basePath, "distlock.zookeeper.base-path must not be null");
		}

		public Duration getSessionTimeout() {
			return this.sessionTimeout;
		}

		public void setSessionTimeout(Duration sessionTimeout) {
			this.sessionTimeout = atLeastOneMilli(sessionTimeout, "zookeeper.session-timeout");
		}

		public Duration getConnectionTimeout() {
			return this.connectionTimeout;
		}

		public void setConnectionTimeout(Duration connectionTimeout) {
			this.connectionTimeout = atLeastOneMilli(connectionTimeout, "zookeeper.connection-timeout");
		}

	}

}
