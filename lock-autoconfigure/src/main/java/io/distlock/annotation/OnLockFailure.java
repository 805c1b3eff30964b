package io.distlock.annotation;

/**
 * What a {@link DistributedLock @DistributedLock} method does when its lock is not acquired
 * within its wait time, or its request is rejected because too many requests wait for the key.
 * A failing backend (Redis down) is not such a case: it always throws
 * {@link io.distlock.core.LockException}.
 *
 * @since 1.0.0
 */
public enum OnLockFailure {

	/**
	 * Throw {@link io.distlock.core.LockNotAcquiredException}, or signal it in the stream of a
	 * {@code Mono} or {@code Flux}; the method does not run.
	 */
	THROW,

	/**
	 * Do not run the method and return {@code null}, {@link java.util.Optional#empty()}, or
	 * nothing for {@code void}; a completed stage holding one of these for a
	 * {@code CompletionStage}; complete empty for a {@code Mono} or {@code Flux}. Logged at
	 * DEBUG. Not allowed on methods returning a primitive.
	 */
	SKIP

}
