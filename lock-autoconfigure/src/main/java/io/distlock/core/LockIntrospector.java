package io.distlock.core;

import java.util.List;

/**
 * A lock manager that can show what this process holds and waits for now, and whether its
 * backend can serve locks.
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
	 * Runs a harmless lock operation against the backend.
	 * @throws LockException with the backend's failure as cause when it cannot serve locks
	 */
	void checkBackend();

}
