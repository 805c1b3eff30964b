package io.distlock.core;

import java.util.List;

import io.distlock.core.LockListener.AcquisitionTracker;

/**
 * The listener of {@link LockListener#of} for several listeners: each is told of every request
 * and event, in order.
 */
final class AllListeners implements LockListener {

	private final List<LockListener> listeners;

	AllListeners(List<LockListener> listeners) {
		this.listeners = listeners;
	}

	@Override
	public AcquisitionTracker requested(LockRequest request) {
		return trackers(this.listeners.stream().map((listener) -> listener.requested(request)).toList());
	}

	@Override
	public AcquisitionTracker requested(LockRequest request, int keys) {
		return trackers(this.listeners.stream().map((listener) -> listener.requested(request, keys)).toList());
	}

	/**
	 * One tracker for all of {@code trackers}, leaving out those that observe nothing.
	 */
	private static AcquisitionTracker trackers(List<AcquisitionTracker> trackers) {
		List<AcquisitionTracker> observing = trackers.stream()
			.filter((tracker) -> tracker != AcquisitionTracker.NO_OP)
			.toList();
		if (observing.size() <= 1) {
			return observing.isEmpty() ? AcquisitionTracker.NO_OP : observing.get(0);
		}
		return new AllTrackers(observing);
	}

	@Override
	public void forcedRelease(HeldLock evicted) {
		this.listeners.forEach((listener) -> listener.forcedRelease(evicted));
	}

	/**
	 * The trackers of one request, one per listener of {@link AllListeners}.
	 */
	private static final class AllTrackers implements AcquisitionTracker {

		private final List<AcquisitionTracker> trackers;

		private AllTrackers(List<AcquisitionTracker> trackers) {
			this.trackers = trackers;
		}

		@Override
		public void completed(LockResult result, boolean contended) {
			this.trackers.forEach((tracker) -> tracker.completed(result, contended));
		}

		@Override
		public void released() {
			this.trackers.forEach(AcquisitionTracker::released);
		}

		@Override
		public void lost() {
			this.trackers.forEach(AcquisitionTracker::lost);
		}

	}

}
