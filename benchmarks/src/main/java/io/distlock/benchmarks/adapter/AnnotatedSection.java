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

	/**
	 * Runs {@code criticalSection} under both locks {@code bench:<first>} and {@code bench:<second>},
	 * taken as one request.
	 * @param first the per-call part of one lock key
	 * @param second the per-call part of the other
	 * @param criticalSection what runs while both locks are held
	 */
	@DistributedLock(name = "bench", key = "{#first, #second}", ttl = "30s", waitTime = "30s")
	public void runBoth(String first, String second, Runnable criticalSection) {
		criticalSection.run();
	}

}
