package io.distlock.autoconfigure;

import java.time.Duration;
import java.util.Objects;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.distlock.aop.DistributedLockAspect;

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

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
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

	private static Duration atLeastOneMilli(Duration duration, String property) {
		if (duration.toMillis() < 1) {
			throw new IllegalArgumentException("distlock." + property + " must be at least 1ms, got " + duration);
		}
		return duration;
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
		 * How long a released lock stays reserved for waiters in other processes, keeping the
		 * releasing process from taking it straight back, when such waiters are known. At least
		 * 1ms.
		 */
		private Duration fairHandOverWindow = Duration.ofMillis(50);

		public Duration getFairHandOverWindow() {
			return this.fairHandOverWindow;
		}

		public void setFairHandOverWindow(Duration fairHandOverWindow) {
			this.fairHandOverWindow = atLeastOneMilli(fairHandOverWindow, "redis.fair-hand-over-window");
		}

	}

}
