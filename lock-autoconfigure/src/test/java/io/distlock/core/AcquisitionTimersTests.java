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
 * Tests for the wait deadline of an {@link Acquisition}: a deadline armed after the grant is
 * cancelled at once, and one armed while waiting stays armed. What cancels it as a request moves
 * on is tested through the engine.
 */
class AcquisitionTimersTests {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stopScheduler() {
		this.scheduler.shutdownNow();
	}

	@Test
	void deadlineArmedAfterTheGrantIsCancelledItself() {
		Acquisition acquisition = waitingAcquisition();
		acquisition.state().grant(1, System.nanoTime());
		ScheduledFuture<?> deadline = later();
		acquisition.armWaitDeadline(deadline);
		assertThat(deadline.isCancelled()).as("deadline of a granted request").isTrue();
	}

	@Test
	void deadlineArmedWhileWaitingStaysArmedUntilCancelled() {
		Acquisition acquisition = waitingAcquisition();
		ScheduledFuture<?> deadline = later();
		acquisition.armWaitDeadline(deadline);
		assertThat(acquisition.deadlineArmed()).isTrue();
		assertThat(deadline.isCancelled()).isFalse();
		acquisition.cancelWaitDeadline();
		assertThat(deadline.isCancelled()).isTrue();
	}

	private ScheduledFuture<?> later() {
		return this.scheduler.schedule(() -> {
		}, 1, TimeUnit.HOURS);
	}

	private static Acquisition waitingAcquisition() {
		LockRequest request = LockRequest.of("timers", Duration.ofSeconds(30));
		// The engine is only needed by handle methods these tests do not call.
		return new Acquisition(null, request, "owner", LockListener.NO_OP.requested(request));
	}

}
