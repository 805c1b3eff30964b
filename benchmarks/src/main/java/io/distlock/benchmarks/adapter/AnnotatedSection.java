package io.distlock.benchmarks.adapter;

import io.distlock.annotation.DistributedLock;

/**
 * The bean whose method the annotation path locks: it only runs the critical section it is given.
 *
 * @since 1.0.0
 */
public class AnnotatedSection {

	/**
	 * Runs {@code criticalSection} under the lock {@code bench:<key>}.
	 * @param key the per-call part of the lock key
	 * @param criticalSection what runs while the lock is held
	 */
	@DistributedLock(name = "bench", key = "#key", ttl = "30s", waitTime = "30s")
	public void run(String key, Runnable criticalSection) {
		criticalSection.run();
	}

}
