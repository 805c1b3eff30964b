package io.distlock.core;

/**
 * Base of every exception distlock throws about a lock.
 *
 * @since 1.0.0
 */
public class LockException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public LockException(String message) {
		super(message);
	}

	public LockException(String message, Throwable cause) {
		super(message, cause);
	}

}
