package io.distlock.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the two timers of an {@link Acquisition}: the wait deadline and the lease timer
 * (renewal or expiry). Arming one never cancels the other, in whichever order a grant and the
 * arming of the deadline happen.
 */
class AcquisitionTimersTests {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stopScheduler() {
		this.scheduler.shutdownNow();
	}

	@Test
	void deadlineArmedAfterTheGrantLeavesTheLeaseTimerRunningAndIsCancelledItself() {
		Acquisition acquisition = waitingAcquisition();
		assertThat(acquisition.claim(1, System.nanoTime())).isTrue();
		ScheduledFuture<?> renewal = later();
		acquisition.setLeaseTimer(renewal);
		ScheduledFuture<?> deadline = later();
		acquisition.armWaitDeadline(deadline);
		assertThat(renewal.isCancelled()).as("renewal timer").isFalse();
		assertThat(deadline.isCancelled()).as("deadline of a granted request").isTrue();
	}

	@Test
	void grantCancelsTheDeadlineArmedWhileWaiting() {
		Acquisition acquisition = waitingAcquisition();
		ScheduledFuture<?> deadline = later();
		acquisition.armWaitDeadline(deadline);
		assertThat(deadline.isCancelled()).isFalse();
		assertThat(acquisition.deadlineArmed()).isTrue();
		assertThat(acquisition.claim(1, System.nanoTime())).isTrue();
		assertThat(deadline.isCancelled()).isTrue();
	}

	@Test
	void endingTheWaitCancelsTheDeadline() {
		Acquisition acquisition = waitingAcquisition();
		ScheduledFuture<?> deadline = later();
		acquisition.armWaitDeadline(deadline);
		assertThat(acquisition.end(LockStatus.TIMED_OUT)).isTrue();
		assertThat(deadline.isCancelled()).isTrue();
	}

	@Test
	void releaseCancelsTheLeaseTimer() {
		Acquisition acquisition = waitingAcquisition();
		acquisition.claim(1, System.nanoTime());
		ScheduledFuture<?> renewal = later();
		acquisition.setLeaseTimer(renewal);
		assertThat(acquisition.markReleased()).isEqualTo(Acquisition.Phase.HELD);
		assertThat(renewal.isCancelled()).isTrue();
	}

	private ScheduledFuture<?> later() {
		return this.scheduler.schedule(() -> {
		}, 1, TimeUnit.HOURS);
	}

	private static Acquisition waitingAcquisition() {
		LockRequest request = LockRequest.of("timers", Duration.ofSeconds(30));
		// The manager is only needed by handle methods these tests do not call.
		return new Acquisition(null, request, "owner", LockListener.NO_OP.requested(request));
	}

}
