package io.distlock.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the backend-neutral machinery waits: the default wait bound, the local queue bound, the
 * fallback retry back-off used when no release notification arrives, and how long a process may
 * pass a lock between its own requests in memory before it goes back to the backend.
 *
 * @param defaultWaitTime how long {@link LockManager#lock(String, Duration)} waits
 * @param maxWaitersPerKey requests per key and process that may wait (the holder not counted)
 * before a new one is {@link LockStatus#REJECTED}
 * @param retryInitialInterval the first fallback retry delay after a busy attempt
 * @param retryMaxInterval the longest fallback retry delay; bounds how late a waiter notices a
 * release whose notification was lost
 * @param localHandOffWindow how long after the backend granted a lease this process may still hand
 * it to its next local waiter in memory (no backend call, the next fencing token) when the backend
 * allows it; zero turns in-memory hand-offs off. It bounds how long other processes wait for
 * their turn beyond one critical section.
 * @param maxLocalHandOffs how many in-memory hand-offs one backend lease may see, at most
 * {@value #MAX_LOCAL_HAND_OFFS}
 * @param workerThreads how many threads run backend calls no caller waits on (attempts woken by a
 * release, renewals, give-backs); a fixed number, whatever the number of locks
 * @param workQueueCapacity how many such calls may wait for a worker; beyond it a request fails
 * and a renewal that cannot be queued reports its lease lost
 * @since 1.0.0
 */
public record LockSettings(Duration defaultWaitTime, int maxWaitersPerKey, Duration retryInitialInterval,
		Duration retryMaxInterval, Duration localHandOffWindow, int maxLocalHandOffs, int workerThreads,
		int workQueueCapacity) {

	/**
	 * The most in-memory hand-offs per lease: each adds one to the fencing token, which must stay
	 * below the tokens the backend gives out once the lease has ended.
	 */
	public static final int MAX_LOCAL_HAND_OFFS = 1000;

	/**
	 * The defaults: wait 10s, 1000 waiters per key, retry back-off from 20ms to 1s, in-memory
	 * hand-offs for 2ms after each backend grant, at most 32 of them, 4 worker threads with up to
	 * 100,000 queued calls.
	 */
	public static final LockSettings DEFAULTS = new LockSettings(Duration.ofSeconds(10), 1000, Duration.ofMillis(20),
			Duration.ofSeconds(1), Duration.ofMillis(2), 32, 4, 100_000);

	public LockSettings {
		Objects.requireNonNull(defaultWaitTime, "'defaultWaitTime' must not be null");
		Objects.requireNonNull(retryInitialInterval, "'retryInitialInterval' must not be null");
		Objects.requireNonNull(retryMaxInterval, "'retryMaxInterval' must not be null");
		Objects.requireNonNull(localHandOffWindow, "'localHandOffWindow' must not be null");
		if (defaultWaitTime.isNegative()) {
			throw new IllegalArgumentException("defaultWaitTime must not be negative, got " + defaultWaitTime);
		}
		if (maxWaitersPerKey < 0) {
			throw new IllegalArgumentException("maxWaitersPerKey must not be negative, got " + maxWaitersPerKey);
		}
		if (retryInitialInterval.toMillis() < 1 || retryMaxInterval.compareTo(retryInitialInterval) < 0) {
			throw new IllegalArgumentException("Retry intervals must be at least 1ms and max >= initial, got "
					+ retryInitialInterval + " and " + retryMaxInterval);
		}
		if (localHandOffWindow.isNegative()) {
			throw new IllegalArgumentException("localHandOffWindow must not be negative, got " + localHandOffWindow);
		}
		if (maxLocalHandOffs < 0 || maxLocalHandOffs > MAX_LOCAL_HAND_OFFS) {
			throw new IllegalArgumentException("maxLocalHandOffs must be between 0 and " + MAX_LOCAL_HAND_OFFS
					+ ", got " + maxLocalHandOffs);
		}
		if (workerThreads < 1 || workQueueCapacity < 1) {
			throw new IllegalArgumentException("workerThreads and workQueueCapacity must be at least 1, got "
					+ workerThreads + " and " + workQueueCapacity);
		}
	}

	/**
	 * Settings with the default thread sizes.
	 * @param defaultWaitTime how long {@link LockManager#lock(String, Duration)} waits
	 * @param maxWaitersPerKey requests per key and process that may wait
	 * @param retryInitialInterval the first fallback retry delay
	 * @param retryMaxInterval the longest fallback retry delay
	 * @param localHandOffWindow how long after a backend grant the lease may be handed on in memory
	 * @param maxLocalHandOffs how many in-memory hand-offs one lease may see
	 */
	public LockSettings(Duration defaultWaitTime, int maxWaitersPerKey, Duration retryInitialInterval,
			Duration retryMaxInterval, Duration localHandOffWindow, int maxLocalHandOffs) {
		this(defaultWaitTime, maxWaitersPerKey, retryInitialInterval, retryMaxInterval, localHandOffWindow,
				maxLocalHandOffs, 4, 100_000);
	}

	/**
	 * Settings with the default in-memory hand-off bounds.
	 * @param defaultWaitTime how long {@link LockManager#lock(String, Duration)} waits
	 * @param maxWaitersPerKey requests per key and process that may wait
	 * @param retryInitialInterval the first fallback retry delay
	 * @param retryMaxInterval the longest fallback retry delay
	 */
	public LockSettings(Duration defaultWaitTime, int maxWaitersPerKey, Duration retryInitialInterval,
			Duration retryMaxInterval) {
		this(defaultWaitTime, maxWaitersPerKey, retryInitialInterval, retryMaxInterval,
				DEFAULTS.localHandOffWindow(), DEFAULTS.maxLocalHandOffs());
	}

	/**
	 * These settings with another default wait time.
	 * @param waitTime the default wait time
	 * @return new settings
	 */
	public LockSettings withDefaultWaitTime(Duration waitTime) {
		return new LockSettings(waitTime, this.maxWaitersPerKey, this.retryInitialInterval, this.retryMaxInterval,
				this.localHandOffWindow, this.maxLocalHandOffs, this.workerThreads, this.workQueueCapacity);
	}

	/**
	 * These settings with another queue bound.
	 * @param maxWaiters the bound
	 * @return new settings
	 */
	public LockSettings withMaxWaitersPerKey(int maxWaiters) {
		return new LockSettings(this.defaultWaitTime, maxWaiters, this.retryInitialInterval, this.retryMaxInterval,
				this.localHandOffWindow, this.maxLocalHandOffs, this.workerThreads, this.workQueueCapacity);
	}

	/**
	 * These settings with another fallback retry back-off.
	 * @param initial the first retry delay
	 * @param max the longest retry delay
	 * @return new settings
	 */
	public LockSettings withRetryIntervals(Duration initial, Duration max) {
		return new LockSettings(this.defaultWaitTime, this.maxWaitersPerKey, initial, max, this.localHandOffWindow,
				this.maxLocalHandOffs, this.workerThreads, this.workQueueCapacity);
	}

	/**
	 * These settings with other in-memory hand-off bounds.
	 * @param window how long after a backend grant the lease may be handed on in memory; zero for never
	 * @param maxHandOffs how many in-memory hand-offs one lease may see
	 * @return new settings
	 */
	public LockSettings withLocalHandOffs(Duration window, int maxHandOffs) {
		return new LockSettings(this.defaultWaitTime, this.maxWaitersPerKey, this.retryInitialInterval,
				this.retryMaxInterval, window, maxHandOffs, this.workerThreads, this.workQueueCapacity);
	}

	/**
	 * These settings with other thread sizes.
	 * @param workers how many worker threads run background backend calls
	 * @param queueCapacity how many such calls may wait for a worker
	 * @return new settings
	 */
	public LockSettings withWorkerThreads(int workers, int queueCapacity) {
		return new LockSettings(this.defaultWaitTime, this.maxWaitersPerKey, this.retryInitialInterval,
				this.retryMaxInterval, this.localHandOffWindow, this.maxLocalHandOffs, workers, queueCapacity);
	}

}
