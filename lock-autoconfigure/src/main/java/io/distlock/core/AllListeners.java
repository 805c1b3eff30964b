package io.distlock.core;

import java.util.List;

import io.distlock.core.LockListener.AcquisitionTracker;

/**
 * The listener of {@link LockListener#of} for several listeners: each is told of every request
 * and event, in order; those that {@link LockListener#observesRequests() observe no requests} are
 * left out of them.
 */
final class AllListeners implements LockListener {

	private final List<LockListener> listeners;

	/** The listeners that observe requests: usually one, which then gets them directly. */
	private final List<LockListener> requestObservers;

	AllListeners(List<LockListener> listeners) {
		this.listeners = listeners;
		this.requestObservers = listeners.stream().filter(LockListener::observesRequests).toList();
	}

	@Override
	public AcquisitionTracker requested(LockRequest request) {
		return switch (this.requestObservers.size()) {
			case 0 -> AcquisitionTracker.NO_OP;
			case 1 -> this.requestObservers.get(0).requested(request);
			default -> new AllTrackers(
					this.requestObservers.stream().map((listener) -> listener.requested(request)).toList());
		};
	}

	@Override
	public AcquisitionTracker requested(LockRequest request, int keys) {
		return switch (this.requestObservers.size()) {
			case 0 -> AcquisitionTracker.NO_OP;
			case 1 -> this.requestObservers.get(0).requested(request, keys);
			default -> new AllTrackers(
					this.requestObservers.stream().map((listener) -> listener.requested(request, keys)).toList());
		};
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
