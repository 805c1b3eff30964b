package io.distlock.core;

import java.time.Duration;

/**
 * Thrown by blocking conveniences when a lock was not acquired in time or the request was
 * rejected because too many requests already wait for the key.
 *
 * @since 1.0.0
 */
public class LockNotAcquiredException extends LockException {

	private static final long serialVersionUID = 1L;

	private final String key;

	private final LockStatus status;

	public LockNotAcquiredException(String key, LockStatus status, Duration waitTime) {
		super(describe(key, status, waitTime));
		this.key = key;
		this.status = status;
	}

	private static String describe(String key, LockStatus status, Duration waitTime) {
		return switch (status) {
			case REJECTED -> "Lock '" + key + "' rejected: too many requests already wait for it in this process";
			case CANCELLED -> "Lock '" + key + "' cancelled before it was acquired";
			default -> "Lock '" + key + "' not acquired within " + waitTime;
		};
	}

	/**
	 * The key of the lock that was not acquired.
	 * @return the lock key, without any backend prefix
	 */
	public String getKey() {
		return this.key;
	}

	/**
	 * Why the lock was not acquired.
	 * @return {@link LockStatus#TIMED_OUT}, {@link LockStatus#REJECTED} or {@link LockStatus#CANCELLED}
	 */
	public LockStatus getStatus() {
		return this.status;
	}

}
