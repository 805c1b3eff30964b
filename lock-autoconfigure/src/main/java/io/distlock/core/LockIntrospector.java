package io.distlock.core;

import java.util.List;

/**
 * A lock manager that can show what this process holds and waits for now.
 *
 * @since 1.0.0
 */
public interface LockIntrospector {

	/**
	 * The keys this process holds or waits for now, one entry per key.
	 * @return a snapshot, in no particular order
	 */
	List<LocalLockState> localLocks();

}
