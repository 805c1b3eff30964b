package io.distlock.core;

/**
 * Thrown by {@link LockHandle#assertHeld()} when the handle no longer holds its lock: it was
 * never acquired, was released, or its lease is known to be lost.
 *
 * @since 1.0.0
 */
public class LockLostException extends LockException {

	private static final long serialVersionUID = 1L;

	public LockLostException(String message) {
		super(message);
	}

	public LockLostException(String message, Throwable cause) {
		super(message, cause);
	}

}
