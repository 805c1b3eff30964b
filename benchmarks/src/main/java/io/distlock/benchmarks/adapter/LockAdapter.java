package io.distlock.benchmarks.adapter;

import java.time.Duration;
import java.util.concurrent.locks.Lock;

/**
 * One lock library as the benchmark drives it: run a critical section while holding a key's lock.
 * A callback rather than lock/unlock, so that the annotation path fits the same shape; the
 * section starts right after the lock is acquired and the call returns right after it is released.
 *
 * @since 1.0.0
 */
public interface LockAdapter extends AutoCloseable {

	/** The lease every library is given: long enough never to expire during a benchmark. */
	Duration LEASE = Duration.ofSeconds(30);

	/** The longest any library waits for a lock before failing the operation. */
	Duration WAIT = Duration.ofSeconds(30);

	/**
	 * Blocks until {@code key} is locked, runs {@code criticalSection} and releases the lock, also
	 * when the section throws. Thread-safe.
	 * @param key the lock key, already unique to this library
	 * @param criticalSection what runs while the lock is held
	 * @throws RuntimeException if the lock could not be acquired or released
	 */
	void runLocked(String key, Runnable criticalSection);

	/**
	 * Blocks until both keys are locked as one request, runs {@code criticalSection} and releases
	 * both, also when the section throws; only for the libraries with a multi-key lock
	 * ({@link Library#locksKeyPairs()}). Thread-safe.
	 * @param first one lock key, already unique to this library
	 * @param second another lock key
	 * @param criticalSection what runs while both are held
	 * @throws UnsupportedOperationException if the library has no multi-key lock
	 * @throws RuntimeException if the locks could not be acquired or released
	 */
	default void runLockedBoth(String first, String second, Runnable criticalSection) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " has no multi-key lock");
	}

	/**
	 * Blocks until {@code key} is held as {@code kind}, runs {@code criticalSection} and releases
	 * it, also when the section throws; only for the libraries with lock kinds
	 * ({@link Library#hasLockKinds()}). A key taken this way is only ever taken this way, always
	 * with the same number of permits: a library may keep another structure under it than under a
	 * {@link #runLocked mutex} (Redisson a read-write lock or a semaphore). Thread-safe.
	 * @param key the lock key, already unique to this library
	 * @param kind reader, writer or one of a number of permits
	 * @param criticalSection what runs while the key is held
	 * @throws UnsupportedOperationException if the library has no lock kinds
	 * @throws RuntimeException if the lock could not be acquired or released
	 */
	default void runLockedAs(String key, LockKind kind, Runnable criticalSection) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " has no lock kinds");
	}

	/**
	 * Runs {@code criticalSection} holding a {@link Lock}, the shape both competitors offer.
	 * @param lock the lock to take and release
	 * @param criticalSection what to run while holding it
	 */
	static void runHolding(Lock lock, Runnable criticalSection) {
		lock.lock();
		try {
			criticalSection.run();
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Releases the library's connections and threads.
	 */
	@Override
	void close();

}
