package io.distlock.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A lock manager that can show what this process holds and waits for now, what every process
 * holds in the backend, and whether its backend can serve locks; and that lets an operator free
 * a lock by force.
 *
 * @since 1.0.0
 */
public interface LockIntrospector {

	/**
	 * The keys this process holds or waits for now, one entry per key.
	 * @return a snapshot, in no particular order
	 */
	List<LocalLockState> localLocks();

	/**
	 * One page of the locks held in the backend by every process, under this manager's prefix;
	 * bounded, and without blocking the backend.
	 * @param cursor where to go on, from the previous page's {@link HeldLocksPage#next()}, or
	 * {@code null} for the first page
	 * @param limit about how many locks one page holds, at least 1 (a backend that reads in batches
	 * may return a few more rather than split one)
	 * @return the page
	 * @throws UnsupportedOperationException when the backend cannot list its locks
	 * @throws IllegalArgumentException when the cursor is not one this backend gave out
	 */
	HeldLocksPage backendLocks(@Nullable String cursor, int limit);

	/**
	 * Frees the lock held under {@code key} (without this manager's prefix) whoever holds it: the
	 * next holder gets a greater fencing token, and the evicted holder's handle reports its lease
	 * lost at its next renewal. It cannot stop the evicted holder's code while it runs: fencing
	 * tokens protect the data meanwhile.
	 * @param key the lock key
	 * @return the lock as it was held, or {@code null} when nothing held it
	 * @throws UnsupportedOperationException when the backend cannot release by force
	 */
	@Nullable HeldLock forceRelease(String key);

	/**
	 * Runs a harmless lock operation against the backend.
	 * @throws LockException with the backend's failure as cause when it cannot serve locks
	 */
	void checkBackend();

}
