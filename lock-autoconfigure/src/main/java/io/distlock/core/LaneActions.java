package io.distlock.core;

import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link KeyLane} needs done outside its lock: backend calls, timers and lease keeping.
 * The lane decides; these carry out, and feed the backend's answers back to the lane as events.
 */
interface LaneActions {

	/**
	 * Has {@code front} attempt the backend: on the thread waiting for it if there is one, else
	 * in the background.
	 */
	void dispatch(KeyLane lane, Acquisition front);

	/**
	 * Starts renewing (or timing) the lease {@code holder} was just granted.
	 */
	void keep(Acquisition holder);

	/**
	 * Stops renewing (or timing) the lease of {@code holder}, which is released or lost.
	 */
	void stopLease(Acquisition holder);

	/**
	 * Releases, in the background, a lock {@code holder} took but nobody wants any more, offering
	 * it to {@code next} if given.
	 */
	void giveBack(KeyLane lane, Acquisition holder, @Nullable Acquisition next);

	/**
	 * Releases in the background a lease {@code acquisition} may hold unseen (its attempt failed
	 * or its lease is counted lost), retrying within the ttl.
	 */
	void releaseUnknown(Acquisition acquisition);

	/**
	 * Schedules the next attempt of the front after a busy or failed one.
	 */
	ScheduledFuture<?> retryIn(KeyLane lane, long delayNanos);

	/**
	 * Arms the timer that ends {@code acquisition}'s wait at its bound, once.
	 */
	void armDeadline(KeyLane lane, Acquisition acquisition);

	/**
	 * Starts watching the key for releases by other processes.
	 */
	void openWatch(KeyLane lane);

	/**
	 * Forgets the lane, which has no requests left.
	 * @param waiterRecorded whether the backend may still record this process as waiting
	 */
	void retired(KeyLane lane, boolean waiterRecorded);

	/**
	 * Whether {@code next} may take over the lease {@code holder} releases, without a backend call.
	 */
	boolean mayHandOffInMemory(RequestState holder, RequestState next);

	/**
	 * Whether a lock the backend granted ends by itself once its ttl passes unrenewed.
	 */
	boolean backendExpiresLocks();

	/**
	 * The delay before the {@code retry}-th retry.
	 */
	long backoffNanos(int retry);

}
