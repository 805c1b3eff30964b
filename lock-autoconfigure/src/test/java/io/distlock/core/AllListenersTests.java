package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.distlock.core.LockListener.AcquisitionTracker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AllListeners}, the listener {@link LockListener#of} makes of several.
 */
class AllListenersTests {

	private static final LockRequest REQUEST = LockRequest.of("report", Duration.ofSeconds(5));

	private static final HeldLock EVICTED = new HeldLock("report", "reports", "orders@host (pid 1)", 7,
			Duration.ofSeconds(3), HeldLock.EXCLUSIVE, 0);

	private final List<String> heard = new ArrayList<>();

	@Test
	void aListenerThatObservesNoRequestsIsNotAskedAndTheOtherGetsThemDirectly() {
		AcquisitionTracker tracker = new AcquisitionTracker() {
		};
		LockListener requests = (request) -> {
			this.heard.add("requested " + request.key());
			return tracker;
		};
		LockListener listener = LockListener.of(List.of(requests, forcedReleasesOnly()));
		assertThat(listener.requested(REQUEST)).isSameAs(tracker);
		assertThat(listener.requested(REQUEST, 2)).isSameAs(tracker);
		listener.forcedRelease(EVICTED);
		assertThat(this.heard).containsExactly("requested report", "requested report", "forced report");
	}

	@Test
	void severalRequestObserversEachGetEveryEventInOrder() {
		LockListener listener = LockListener.of(List.of(recording("first"), forcedReleasesOnly(), recording("second")));
		AcquisitionTracker tracker = listener.requested(REQUEST);
		tracker.lost();
		tracker.released();
		listener.forcedRelease(EVICTED);
		assertThat(this.heard).containsExactly("first lost", "second lost", "first released", "second released",
				"forced report");
	}

	private LockListener recording(String name) {
		return (request) -> new AcquisitionTracker() {

			@Override
			public void lost() {
				AllListenersTests.this.heard.add(name + " lost");
			}

			@Override
			public void released() {
				AllListenersTests.this.heard.add(name + " released");
			}

		};
	}

	private LockListener forcedReleasesOnly() {
		return new LockListener() {

			@Override
			public AcquisitionTracker requested(LockRequest request) {
				throw new AssertionError("asked for a tracker although it observes no requests");
			}

			@Override
			public boolean observesRequests() {
				return false;
			}

			@Override
			public void forcedRelease(HeldLock evicted) {
				AllListenersTests.this.heard.add("forced " + evicted.key());
			}

		};
	}

}
