package io.distlock.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to one attempt: acquired with a fencing token, or busy with a hint when the lock
 * may be free again.
 *
 * @param fencingToken the new holder's fencing token, positive when acquired, else {@code -1}
 * @param retryAfter when trying again may succeed (the holder's remaining lease); zero when acquired
 * @since 1.0.0
 */
public record AcquireOutcome(long fencingToken, Duration retryAfter) {

	public AcquireOutcome {
		Objects.requireNonNull(retryAfter, "'retryAfter' must not be null");
	}

	/**
	 * An acquired outcome.
	 * @param fencingToken the positive fencing token
	 * @return the outcome
	 */
	public static AcquireOutcome acquired(long fencingToken) {
		if (fencingToken <= 0) {
			throw new IllegalArgumentException("Fencing token must be positive, got " + fencingToken);
		}
		return new AcquireOutcome(fencingToken, Duration.ZERO);
	}

	/**
	 * A busy outcome.
	 * @param retryAfter when trying again may succeed
	 * @return the outcome
	 */
	public static AcquireOutcome busy(Duration retryAfter) {
		return new AcquireOutcome(-1, retryAfter);
	}

	/**
	 * Whether the attempt acquired the lock.
	 * @return {@code true} if acquired
	 */
	public boolean acquired() {
		return this.fencingToken > 0;
	}

}
