package io.distlock.core;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a lock request: its status, the fencing token when acquired, how long the
 * request waited and, for {@link LockStatus#FAILED}, the cause.
 *
 * @param status what happened
 * @param fencingToken the acquisition's fencing token, {@code -1} unless acquired
 * @param waited time from the request to this outcome
 * @param failure the cause of a {@link LockStatus#FAILED} outcome, else {@code null}
 * @since 1.0.0
 */
public record LockResult(LockStatus status, long fencingToken, Duration waited, @Nullable Throwable failure) {

	public LockResult {
		Objects.requireNonNull(status, "'status' must not be null");
		Objects.requireNonNull(waited, "'waited' must not be null");
		if ((status == LockStatus.ACQUIRED) != (fencingToken > 0)) {
			throw new IllegalArgumentException(
					"A fencing token is positive exactly when acquired, got " + fencingToken + " for " + status);
		}
		if ((status == LockStatus.FAILED) != (failure != null)) {
			throw new IllegalArgumentException("A failure cause is given exactly when FAILED, got status " + status);
		}
	}

	static LockResult acquired(long fencingToken, Duration waited) {
		return new LockResult(LockStatus.ACQUIRED, fencingToken, waited, null);
	}

	static LockResult notAcquired(LockStatus status, Duration waited) {
		return new LockResult(status, -1, waited, null);
	}

	static LockResult failed(Throwable cause, Duration waited) {
		return new LockResult(LockStatus.FAILED, -1, waited, cause);
	}

	/**
	 * The exception a blocking caller gets for this outcome.
	 * @param request the request this result answers
	 * @return a {@link LockException} with the cause when {@link LockStatus#FAILED}, else a
	 * {@link LockNotAcquiredException}
	 * @throws IllegalStateException if the lock was acquired
	 */
	public LockException toException(LockRequest request) {
		if (acquired()) {
			throw new IllegalStateException("Lock '" + request.key() + "' was acquired");
		}
		Throwable cause = this.failure;
		if (cause != null) {
			return new LockException("Lock '" + request.key() + "' failed: " + cause.getMessage(), cause);
		}
		return new LockNotAcquiredException(request.key(), this.status, request.waitTime());
	}

	/**
	 * Whether the lock was acquired.
	 * @return {@code true} for {@link LockStatus#ACQUIRED}
	 */
	public boolean acquired() {
		return this.status == LockStatus.ACQUIRED;
	}

}
