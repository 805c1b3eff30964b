package io.distlock.core;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.distlock.core.EngineFixture.Background;
import io.distlock.core.InMemoryLockBackend.Call;
import io.distlock.core.InMemoryLockBackend.Gate;
import io.distlock.core.InMemoryLockBackend.Operation;

import static io.distlock.core.EngineFixture.eventually;
import static io.distlock.core.EngineFixture.resultOf;
import static io.distlock.core.EngineFixture.settle;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link QueuedLockManager} when a grant races with the end of its request (cancel,
 * wait deadline, interrupt, shutdown): whichever comes first, the request has exactly one
 * outcome, an ended request never keeps the lock in the backend, and an acquired one is held.
 * Each race is set up with {@link InMemoryLockBackend} gates holding the granting call in flight.
 */
class GrantRaceTests {

	private static final String KEY = "orders:1";

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** How long an outcome that may be decided before a call in flight returns is given to be. */
	private static final Duration PATIENCE = Duration.ofSeconds(2);

	@RegisterExtension
	final EngineFixture engine = new EngineFixture();

	private final InMemoryLockBackend backend = this.engine.backend();

	@ParameterizedTest(name = "a waiter queued behind: {0}")
	@ValueSource(booleans = { false, true })
	void cancelWhileTheAttemptIsInFlightGivesTheGrantBack(boolean waiterBehind) {
		QueuedLockManager locks = this.engine.manager();
		Gate attempt = this.backend.pauseNext(Operation.ACQUIRE);
		LockHandle handle = locks.lock(KEY, TTL, WAIT);
		Call granted = attempt.awaitArrival();
		assertThat(this.backend.holder(KEY)).as("granted in the backend").isEqualTo(granted.owner());
		LockHandle next = waiterBehind ? locks.lock(KEY, TTL, WAIT) : null;
		handle.cancel();
		settle(handle.result(), PATIENCE);
		attempt.open();
		assertThat(resultOf(handle).status()).isEqualTo(LockStatus.CANCELLED);
		assertThat(handle.isHeld()).isFalse();
		assertThat(handle.fencingToken()).isEqualTo(-1);
		assertGivenOn(granted.owner(), next);
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void cancelAfterTheGrantReleasesTheLock() {
		QueuedLockManager locks = this.engine.manager();
		LockHandle handle = locks.lock(KEY, TTL, WAIT);
		LockResult result = resultOf(handle);
		assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
		handle.cancel();
		assertThat(resultOf(handle)).isEqualTo(result);
		assertThat(handle.isHeld()).isFalse();
		this.backend.awaitFree(KEY);
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void interruptOfAThreadAwaitingWhileTheAttemptIsInFlightCancelsAndGivesTheGrantBack() {
		QueuedLockManager locks = this.engine.manager();
		Gate attempt = this.backend.pauseNext(Operation.ACQUIRE);
		LockHandle handle = locks.lock(KEY, TTL, WAIT);
		Call granted = attempt.awaitArrival();
		Background<LockResult> awaiting = this.engine.inBackground("awaiting", handle::await).awaitParked();
		awaiting.interrupt();
		settle(awaiting.outcome(), PATIENCE);
		attempt.open();
		assertThat(awaiting.join().status()).isEqualTo(LockStatus.CANCELLED);
		assertThat(awaiting.endedInterrupted()).as("interrupt flag kept").isTrue();
		assertThat(resultOf(handle).status()).isEqualTo(LockStatus.CANCELLED);
		assertThat(handle.isHeld()).isFalse();
		assertGivenOn(granted.owner(), null);
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void interruptOfAThreadBlockedInAcquireWhileQueuedCancels() {
		QueuedLockManager locks = this.engine.manager();
		LockHandle holder = locks.acquire(request());
		Background<LockHandle> acquiring = this.engine.inBackground("acquiring", () -> locks.acquire(request()))
			.awaitParked();
		acquiring.interrupt();
		assertThat(acquiring.joinFailure()).isInstanceOfSatisfying(LockNotAcquiredException.class,
				(ex) -> assertThat(ex.getStatus()).isEqualTo(LockStatus.CANCELLED));
		assertThat(acquiring.endedInterrupted()).as("interrupt flag kept").isTrue();
		assertThat(holder.isHeld()).isTrue();
		holder.unlock();
		this.engine.assertNothingLeft(locks);
		assertThat(this.backend.calls(Operation.ACQUIRE)).as("only the holder attempted").isEqualTo(1);
	}

	@Test
	void interruptAfterTheGrantLeavesTheLockHeld() {
		QueuedLockManager locks = this.engine.manager();
		LockHandle handle = locks.lock(KEY, TTL, WAIT);
		assertThat(resultOf(handle).status()).isEqualTo(LockStatus.ACQUIRED);
		Background<LockResult> awaiting = this.engine.inBackground("awaiting", () -> {
			Thread.currentThread().interrupt();
			return handle.await();
		});
		assertThat(awaiting.join().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(awaiting.endedInterrupted()).as("interrupt flag kept").isTrue();
		assertThat(handle.isHeld()).isTrue();
		assertThat(this.backend.isHeld(KEY)).isTrue();
		handle.unlock();
		this.engine.assertNothingLeft(locks);
	}

	/**
	 * The interrupt lands once the engine has decided the grant, before the awaiting thread has
	 * seen it: the request was acquired, so the interrupt must not undo that behind the caller's
	 * back. A listener, told of the outcome before it is published, delivers the interrupt.
	 */
	@Test
	void interruptArrivingAsTheGrantIsPublishedLeavesTheLockHeld() {
		InterruptOnOutcome interrupter = new InterruptOnOutcome(this.backend);
		QueuedLockManager locks = this.engine.manager(EngineFixture.SETTINGS, interrupter);
		Gate attempt = this.backend.pauseNext(Operation.ACQUIRE);
		LockHandle handle = locks.lock(LockRequest.of(KEY, TTL).withWaitTime(WAIT).withName(InterruptOnOutcome.NAME));
		Call granted = attempt.awaitArrival();
		Background<LockResult> awaiting = this.engine.inBackground("awaiting", handle::await).awaitParked();
		interrupter.target = awaiting.thread();
		attempt.open();
		LockResult result = awaiting.join();
		assertThat(interrupter.reported.getCount()).as("outcome reported").isZero();
		assertThat(awaiting.endedInterrupted()).as("interrupt flag kept").isTrue();
		assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(handle.isHeld()).as("held after await() returned ACQUIRED").isTrue();
		assertThat(this.backend.holder(KEY)).isEqualTo(granted.owner());
		handle.unlock();
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void deadlineWhileTheAttemptIsInFlightTimesOutAndGivesTheGrantToTheNextWaiter() throws Exception {
		QueuedLockManager locks = this.engine.manager();
		Gate attempt = this.backend.pauseNext(Operation.ACQUIRE);
		Duration wait = Duration.ofMillis(300);
		LockHandle handle = locks.lock(KEY, TTL, wait);
		Call granted = attempt.awaitArrival();
		LockHandle next = locks.lock(KEY, TTL, WAIT);
		Thread.sleep(wait.plusMillis(200).toMillis());
		settle(handle.result(), PATIENCE);
		attempt.open();
		LockResult result = resultOf(handle);
		assertThat(result.status()).isEqualTo(LockStatus.TIMED_OUT);
		assertThat(handle.isHeld()).isFalse();
		assertGivenOn(granted.owner(), next);
		this.engine.assertNothingLeft(locks);
	}

	@ParameterizedTest(name = "a waiter queued behind: {0}")
	@ValueSource(booleans = { false, true })
	void waiterCancelledWhileTheReleaseHandsItTheLockPassesItOn(boolean waiterBehind) {
		QueuedLockManager locks = this.engine.manager();
		LockHandle holder = locks.acquire(request());
		LockHandle cancelled = locks.lock(KEY, TTL, WAIT);
		LockHandle next = waiterBehind ? locks.lock(KEY, TTL, WAIT) : null;
		Gate release = this.backend.pauseNext(Operation.RELEASE);
		Background<Boolean> unlocking = this.engine.inBackground("unlocking", () -> {
			holder.unlock();
			return true;
		});
		Call handOff = release.awaitArrival();
		assertThat(handOff.handOff()).as("handed to the first waiter").isNotNull();
		assertThat(this.backend.holder(KEY)).isEqualTo(handOff.handOff());
		cancelled.cancel();
		settle(cancelled.result(), PATIENCE);
		release.open();
		unlocking.join();
		assertThat(resultOf(cancelled).status()).isEqualTo(LockStatus.CANCELLED);
		assertThat(cancelled.isHeld()).isFalse();
		assertThat(holder.isHeld()).isFalse();
		assertGivenOn(handOff.handOff(), next);
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void waiterWhoseDeadlinePassesWhileTheReleaseHandsItTheLockEndsOneWay() throws Exception {
		QueuedLockManager locks = this.engine.manager();
		LockHandle holder = locks.acquire(request());
		Duration wait = Duration.ofMillis(300);
		LockHandle waiter = locks.lock(KEY, TTL, wait);
		LockHandle next = locks.lock(KEY, TTL, WAIT);
		Gate release = this.backend.pauseNext(Operation.RELEASE);
		Background<Boolean> unlocking = this.engine.inBackground("unlocking", () -> {
			holder.unlock();
			return true;
		});
		Call handOff = release.awaitArrival();
		Thread.sleep(wait.plusMillis(200).toMillis());
		settle(waiter.result(), PATIENCE);
		release.open();
		unlocking.join();
		LockResult result = resultOf(waiter);
		if (result.status() == LockStatus.ACQUIRED) {
			// The grant won: the waiter holds the lock it was handed, the next waits for it.
			assertThat(waiter.isHeld()).isTrue();
			assertThat(this.backend.holder(KEY)).isEqualTo(handOff.handOff());
			assertThat(next.result()).isNotDone();
			waiter.unlock();
			assertThat(resultOf(next).status()).isEqualTo(LockStatus.ACQUIRED);
			next.unlock();
		}
		else {
			assertThat(result.status()).isEqualTo(LockStatus.TIMED_OUT);
			assertGivenOn(handOff.handOff(), next);
		}
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void anAttemptThatTookTheLockButFailedIsRetriedAsTheSameOwner() {
		QueuedLockManager locks = this.engine.manager();
		this.backend.failNextAfterApplying(Operation.ACQUIRE, new IllegalStateException("reply lost"));
		LockHandle handle = locks.lock(KEY, TTL, WAIT);
		LockResult result = resultOf(handle);
		assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(this.backend.calls(Operation.ACQUIRE)).isGreaterThanOrEqualTo(2);
		assertThat(this.backend.contenders(KEY)).as("owners that attempted").hasSize(1);
		assertThat(result.fencingToken()).as("the token of the lost grant").isEqualTo(1);
		assertThat(handle.isHeld()).isTrue();
		handle.unlock();
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void anAttemptThatTookTheLockButFailedIsGivenBackWhenTheWaitEnds() {
		QueuedLockManager locks = this.engine.manager();
		IllegalStateException unreachable = new IllegalStateException("store unreachable");
		this.backend.failNextAfterApplying(Operation.ACQUIRE, new IllegalStateException("reply lost"));
		this.backend.failEvery(Operation.ACQUIRE, unreachable);
		LockHandle handle = locks.lock(KEY, TTL, Duration.ofMillis(300));
		LockResult result = resultOf(handle);
		assertThat(result.status()).isEqualTo(LockStatus.FAILED);
		assertThat(result.failure()).isNotNull();
		assertThat(handle.isHeld()).isFalse();
		String owner = this.backend.contenders(KEY).get(0);
		this.backend.awaitFree(KEY);
		assertThat(this.backend.calls())
			.anySatisfy((call) -> assertThat(call).isEqualTo(new Call(Operation.RELEASE, KEY, owner, null)));
		this.backend.stopFailing(Operation.ACQUIRE);
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void cancelWhileAnAttemptThatTakesTheLockAndFailsIsInFlightGivesItBack() {
		QueuedLockManager locks = this.engine.manager();
		Gate attempt = this.backend.pauseNext(Operation.ACQUIRE);
		this.backend.failNextAfterApplying(Operation.ACQUIRE, new IllegalStateException("reply lost"));
		LockHandle handle = locks.lock(KEY, TTL, WAIT);
		Call taken = attempt.awaitArrival();
		assertThat(this.backend.holder(KEY)).isEqualTo(taken.owner());
		handle.cancel();
		settle(handle.result(), PATIENCE);
		attempt.open();
		assertThat(resultOf(handle).status()).isEqualTo(LockStatus.CANCELLED);
		assertThat(handle.isHeld()).isFalse();
		this.backend.awaitFree(KEY);
		this.engine.assertNothingLeft(locks);
	}

	/**
	 * Many rounds of a release handing the lock to a waiter that is cancelled at the same moment,
	 * with no gate: whatever the interleaving, the waiter ends acquired or cancelled, and the
	 * lock ends free (given back, or released by the cancel).
	 */
	@Test
	void cancelRacingAHandOffNeverLeaksTheLock() throws Exception {
		QueuedLockManager locks = this.engine.manager();
		for (int round = 0; round < 200; round++) {
			LockHandle holder = locks.acquire(request());
			LockHandle waiter = locks.lock(KEY, TTL, WAIT);
			CountDownLatch start = new CountDownLatch(1);
			Background<Boolean> unlocking = this.engine.inBackground("unlocking-" + round, () -> {
				awaitQuietly(start);
				holder.unlock();
				return true;
			});
			start.countDown();
			waiter.cancel();
			unlocking.join();
			LockResult result = resultOf(waiter);
			assertThat(result.status()).as("round %d", round).isIn(LockStatus.ACQUIRED, LockStatus.CANCELLED);
			assertThat(waiter.isHeld()).as("round %d", round).isFalse();
			int finished = round;
			eventually("round " + finished + " left the lock free", () -> !this.backend.isHeld(KEY));
		}
		this.engine.assertNothingLeft(locks);
	}

	/**
	 * Many rounds of a thread awaiting a hand-off and interrupted at the same moment, with no
	 * gate: an {@code ACQUIRED} from {@code await()} always comes with the lock held.
	 */
	@Test
	void interruptRacingAHandOffNeverReportsAcquiredWithoutTheLock() throws Exception {
		QueuedLockManager locks = this.engine.manager();
		for (int round = 0; round < 200; round++) {
			LockHandle holder = locks.acquire(request());
			LockHandle waiter = locks.lock(KEY, TTL, WAIT);
			Background<LockResult> awaiting = this.engine.inBackground("awaiting-" + round, waiter::await)
				.awaitParked();
			CountDownLatch start = new CountDownLatch(1);
			Background<Boolean> unlocking = this.engine.inBackground("unlocking-" + round, () -> {
				awaitQuietly(start);
				holder.unlock();
				return true;
			});
			start.countDown();
			awaiting.interrupt();
			unlocking.join();
			LockResult result = awaiting.join();
			assertThat(result.status()).as("round %d", round).isIn(LockStatus.ACQUIRED, LockStatus.CANCELLED);
			if (result.status() == LockStatus.ACQUIRED) {
				assertThat(waiter.isHeld()).as("round %d: held after await() returned ACQUIRED", round).isTrue();
			}
			waiter.unlock();
			int finished = round;
			eventually("round " + finished + " left the lock free", () -> !this.backend.isHeld(KEY));
		}
		this.engine.assertNothingLeft(locks);
	}

	private static LockRequest request() {
		return LockRequest.of(KEY, TTL).withWaitTime(WAIT);
	}

	/**
	 * Asserts that the lock {@code ended} was granted has left it: to {@code next}, which then
	 * holds it, or back to the backend when no one waits; then releases it.
	 */
	private void assertGivenOn(@Nullable String ended, @Nullable LockHandle next) {
		if (next == null) {
			this.backend.awaitFree(KEY);
			return;
		}
		LockResult result = resultOf(next);
		assertThat(result.status()).as("the next waiter").isEqualTo(LockStatus.ACQUIRED);
		assertThat(next.isHeld()).isTrue();
		assertThat(this.backend.holder(KEY)).isNotNull().isNotEqualTo(ended);
		assertThat(this.backend.fencingToken(KEY)).isEqualTo(result.fencingToken());
		next.unlock();
		this.backend.awaitFree(KEY);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(EngineFixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A listener that, told the outcome of the request named {@link #NAME}, interrupts the target
	 * thread and gives it up to a second to act on the interrupt (a release shows up in the
	 * backend) before the engine goes on to publish the outcome.
	 */
	private static final class InterruptOnOutcome implements LockListener {

		static final String NAME = "raced";

		private final InMemoryLockBackend backend;

		final CountDownLatch reported = new CountDownLatch(1);

		volatile @Nullable Thread target;

		InterruptOnOutcome(InMemoryLockBackend backend) {
			this.backend = backend;
		}

		@Override
		public AcquisitionTracker requested(LockRequest request) {
			if (!request.name().equals(NAME)) {
				return AcquisitionTracker.NO_OP;
			}
			return new AcquisitionTracker() {

				@Override
				public void completed(LockResult result, boolean contended) {
					Thread awaiting = InterruptOnOutcome.this.target;
					if (awaiting != null && awaiting != Thread.currentThread()) {
						int releases = InterruptOnOutcome.this.backend.calls(Operation.RELEASE);
						awaiting.interrupt();
						long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
						while (InterruptOnOutcome.this.backend.calls(Operation.RELEASE) == releases
								&& System.nanoTime() - deadline < 0) {
							LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
						}
					}
					InterruptOnOutcome.this.reported.countDown();
				}

			};
		}

	}

}
