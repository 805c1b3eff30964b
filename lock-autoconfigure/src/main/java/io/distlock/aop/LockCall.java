package io.distlock.aop;

import java.time.Duration;
import java.util.List;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockNotAcquiredException;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;

/**
 * One call of a {@code @DistributedLock} method, its attributes evaluated.
 *
 * @param definition the method's parsed annotation
 * @param request the lock to take; for several keys, how each is taken, with the first key
 * @param keys every key to lock, in order, once each; one for a single lock
 * @param lockAtLeastFor how long the lock is kept at least after acquisition
 */
record LockCall(LockDefinition definition, LockRequest request, List<String> keys, Duration lockAtLeastFor) {

	/**
	 * Requests the call's lock: its one key, or all of its keys together.
	 * @param lockManager the manager
	 * @return the handle, at once
	 */
	LockHandle lock(LockManager lockManager) {
		return (this.keys.size() == 1) ? lockManager.lock(this.request) : lockManager.lockAll(this.keys, this.request);
	}

	/**
	 * Acquires the call's lock, blocking.
	 * @param lockManager the manager
	 * @return the held handle
	 * @throws LockNotAcquiredException if it was not acquired within the wait
	 */
	LockHandle acquire(LockManager lockManager) {
		if (this.keys.size() == 1) {
			return lockManager.acquire(this.request);
		}
		LockHandle handle = lockManager.lockAll(this.keys, this.request);
		LockResult result = handle.await();
		if (!result.acquired()) {
			throw result.toException(this.request);
		}
		return handle;
	}

}
