package io.distlock.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LockListener} that counts releases and lost leases, for tests on any backend.
 */
public final class CountingListener implements LockListener {

	private final AtomicInteger lost = new AtomicInteger();

	private final AtomicInteger released = new AtomicInteger();

	public int lost() {
		return this.lost.get();
	}

	public int released() {
		return this.released.get();
	}

	@Override
	public AcquisitionTracker requested(LockRequest request) {
		return new AcquisitionTracker() {

			@Override
			public void released() {
				CountingListener.this.released.incrementAndGet();
			}

			@Override
			public void lost() {
				CountingListener.this.lost.incrementAndGet();
			}

		};
	}

}
