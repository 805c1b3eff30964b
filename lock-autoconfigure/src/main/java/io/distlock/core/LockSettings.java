package io.distlock.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the backend-neutral machinery waits: the default wait bound, the local queue bound and
 * the fallback retry back-off used when no release notification arrives.
 *
 * @param defaultWaitTime how long {@link LockManager#lock(String, Duration)} waits
 * @param maxWaitersPerKey requests per key and process that may wait (the holder not counted)
 * before a new one is {@link LockStatus#REJECTED}
 * @param retryInitialInterval the first fallback retry delay after a busy attempt
 * @param retryMaxInterval the longest fallback retry delay; bounds how late a waiter notices a
 * release whose notification was lost
 * @since 1.0.0
 */
public record LockSettings(Duration defaultWaitTime, int maxWaitersPerKey, Duration retryInitialInterval,
		Duration retryMaxInterval) {

	/** The defaults: wait 10s, 1000 waiters per key, retry back-off from 20ms to 1s. */
	public static final LockSettings DEFAULTS = new LockSettings(Duration.ofSeconds(10), 1000, Duration.ofMillis(20),
			Duration.ofSeconds(1));

	public LockSettings {
		Objects.requireNonNull(defaultWaitTime, "'defaultWaitTime' must not be null");
		Objects.requireNonNull(retryInitialInterval, "'retryInitialInterval' must not be null");
		Objects.requireNonNull(retryMaxInterval, "'retryMaxInterval' must not be null");
		if (defaultWaitTime.isNegative()) {
			throw new IllegalArgumentException("defaultWaitTime must not be negative, got " + defaultWaitTime);
		}
		if (maxWaitersPerKey < 0) {
			throw new IllegalArgumentException("maxWaitersPerKey must not be negative, got " + maxWaitersPerKey);
		}
		if (retryInitialInterval.toMillis() < 1 || retryMaxInterval.compareTo(retryInitialInterval) < 0) {
			throw new IllegalArgumentException("Retry intervals must be at least 1ms and max >= initial, got "
					+ retryInitialInterval + " and " + retryMaxInterval);
		}
	}

	/**
	 * These settings with another default wait time.
	 * @param waitTime the default wait time
	 * @return new settings
	 */
	public LockSettings withDefaultWaitTime(Duration waitTime) {
		return new LockSettings(waitTime, this.maxWaitersPerKey, this.retryInitialInterval, this.retryMaxInterval);
	}

	/**
	 * These settings with another queue bound.
	 * @param maxWaiters the bound
	 * @return new settings
	 */
	public LockSettings withMaxWaitersPerKey(int maxWaiters) {
		return new LockSettings(this.defaultWaitTime, maxWaiters, this.retryInitialInterval, this.retryMaxInterval);
	}

	/**
	 * These settings with another fallback retry back-off.
	 * @param initial the first retry delay
	 * @param max the longest retry delay
	 * @return new settings
	 */
	public LockSettings withRetryIntervals(Duration initial, Duration max) {
		return new LockSettings(this.defaultWaitTime, this.maxWaitersPerKey, initial, max);
	}

}
