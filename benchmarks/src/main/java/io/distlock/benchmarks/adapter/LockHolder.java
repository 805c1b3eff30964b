package io.distlock.benchmarks.adapter;

/**
 * One lock library holding many locks at once, each with a short lease that the library renews
 * until release (the held-locks scenario). A lease is taken and later released on the same
 * thread, as Redisson's thread-bound {@code RLock} needs.
 *
 * @since 1.0.0
 */
public interface LockHolder extends AutoCloseable {

	/**
	 * Takes {@code key}'s lock on the calling thread, waiting for it if need be.
	 * @param key the lock key, unique to this holder
	 * @return the lease, to be checked and released on the calling thread
	 * @throws RuntimeException if the lock could not be acquired
	 */
	Lease take(String key);

	/**
	 * How many leases the library has told the application it lost since it was opened.
	 * @return the count, or {@code -1} when the library has no such signal
	 */
	long signalledLost();

	/**
	 * The library's own account of lost leases, for the report.
	 * @return such as {@code distlock.lost = 0}
	 */
	String lossNote();

	/**
	 * What the names of the library's own threads start with.
	 * @return the prefix, such as {@code distlock-}
	 */
	String threadPrefix();

	/**
	 * The Redis key under which the library keeps {@code key}'s lock.
	 * @param key the lock key given to {@link #take(String)}
	 * @return the Redis key
	 */
	String redisKey(String key);

	/**
	 * Releases the library's connections and threads.
	 */
	@Override
	void close();

	/**
	 * One held lock.
	 */
	interface Lease {

		/**
		 * Whether the library still holds the lock, asked on the thread that took it.
		 * @return {@code true} while held
		 */
		boolean held();

		/**
		 * Releases the lock, on the thread that took it.
		 */
		void release();

	}

}
