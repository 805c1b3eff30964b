package io.distlock.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RedisLockManager} lays out and hands over locks in Redis.
 *
 * @param keyPrefix prefix of every lock key (and notification channel)
 * @param fairHandOverWindow how long a released lock stays reserved for waiters in other
 * processes, keeping the releasing process out, when such waiters are known
 * @since 1.0.0
 */
public record RedisLockOptions(String keyPrefix, Duration fairHandOverWindow) {

	/** The defaults: prefix {@code lock:}, hand-over window 50ms. */
	public static final RedisLockOptions DEFAULTS = new RedisLockOptions("lock:", Duration.ofMillis(50));

	public RedisLockOptions {
		Objects.requireNonNull(keyPrefix, "'keyPrefix' must not be null");
		Objects.requireNonNull(fairHandOverWindow, "'fairHandOverWindow' must not be null");
		if (fairHandOverWindow.toMillis() < 1) {
			throw new IllegalArgumentException("fairHandOverWindow must be at least 1ms, got " + fairHandOverWindow);
		}
	}

	/**
	 * These options with another key prefix.
	 * @param keyPrefix the prefix
	 * @return new options
	 */
	public RedisLockOptions withKeyPrefix(String keyPrefix) {
		return new RedisLockOptions(keyPrefix, this.fairHandOverWindow);
	}

}
