package io.distlock.aop;

import java.time.Duration;

import io.distlock.core.LockHandle;

/**
 * A lock a call holds, with what its release needs.
 *
 * @param handle the acquired handle
 * @param lockAtLeastFor how long the lock is kept at least after acquisition
 * @param acquiredAt when it was acquired, in {@link System#nanoTime()}
 */
record HeldLock(LockHandle handle, Duration lockAtLeastFor, long acquiredAt) {

	/**
	 * The lock of {@code call}, acquired just now.
	 */
	static HeldLock acquired(LockHandle handle, LockCall call) {
		return new HeldLock(handle, call.lockAtLeastFor(), System.nanoTime());
	}

	/**
	 * Releases the lock, keeping it for what remains of {@code lockAtLeastFor}. Blocks on the
	 * backend.
	 * @throws io.distlock.core.LockException if the backend failed
	 */
	void release() {
		// Once lockAtLeastFor has passed, the remainder is zero or negative, which unlocks at once.
		this.handle.unlockAfter(this.lockAtLeastFor.minusNanos(System.nanoTime() - this.acquiredAt));
	}

}
