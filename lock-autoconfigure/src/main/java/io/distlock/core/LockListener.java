package io.distlock.core;

import java.util.List;

/**
 * Observes lock requests, for metrics and tracing. For each request the manager asks for an
 * {@link AcquisitionTracker}, then reports that request's events to it. Implementations must be
 * thread-safe and fast; an exception they throw is logged and never affects the lock.
 *
 * @since 1.0.0
 */
@FunctionalInterface
public interface LockListener {

	/** A listener that observes nothing. */
	LockListener NO_OP = (request) -> AcquisitionTracker.NO_OP;

	/**
	 * One listener that reports to all of {@code listeners}, in order.
	 * @param listeners the listeners
	 * @return {@link #NO_OP} for none, the listener itself for one, else their composite
	 */
	static LockListener of(List<LockListener> listeners) {
		if (listeners.isEmpty()) {
			return NO_OP;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		return new AllListeners(List.copyOf(listeners));
	}

	/**
	 * Called when a request is made, before it is queued or sent.
	 * @param request the request
	 * @return the tracker for its later events
	 */
	AcquisitionTracker requested(LockRequest request);

	/**
	 * Whether this listener observes requests. One that answers {@code false} is never asked for a
	 * tracker when it is one of several, so it costs acquisitions nothing.
	 * @return {@code true} by default
	 */
	default boolean observesRequests() {
		return true;
	}

	/**
	 * Called when this process released a lock by force ({@link LockIntrospector#forceRelease}).
	 * @param evicted the lock as it was held
	 */
	default void forcedRelease(HeldLock evicted) {
	}

	/**
	 * Called when a request for several keys at once ({@link LockManager#lockAll}) is made; it is
	 * reported as one request, whose events are those of all its keys together.
	 * @param request the request of its first key, whose name, ttl and wait stand for every key
	 * @param keys how many keys it locks
	 * @return the tracker for its later events; by default {@link #requested(LockRequest)}'s
	 */
	default AcquisitionTracker requested(LockRequest request, int keys) {
		return requested(request);
	}

	/**
	 * The events of one lock request, each reported at most once, in this order.
	 *
	 * @since 1.0.0
	 */
	interface AcquisitionTracker {

		/** A tracker that observes nothing. */
		AcquisitionTracker NO_OP = new AcquisitionTracker() {
		};

		/**
		 * The request has an outcome.
		 * @param result the outcome
		 * @param contended whether another holder had the lock at the first attempt
		 */
		default void completed(LockResult result, boolean contended) {
		}

		/**
		 * The acquired lock was released by its handle (after {@link #lost()} if it was lost).
		 */
		default void released() {
		}

		/**
		 * The lease of the acquired lock was lost before release: renewal failed or it expired.
		 */
		default void lost() {
		}

	}

}
