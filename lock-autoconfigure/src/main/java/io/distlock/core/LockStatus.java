package io.distlock.core;

/**
 * The outcome of one lock request.
 *
 * @since 1.0.0
 */
public enum LockStatus {

	/** The lock was acquired; the handle owns it until released or lost. */
	ACQUIRED,

	/** The wait bound passed before the lock became free. */
	TIMED_OUT,

	/** Too many requests already wait for this key in this process. */
	REJECTED,

	/** The request was cancelled, or its manager closed, before it acquired. */
	CANCELLED,

	/** The backend could not be reached or answered with an error; see {@link LockResult#failure()}. */
	FAILED

}
