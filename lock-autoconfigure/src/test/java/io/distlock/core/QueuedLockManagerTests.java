package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.distlock.core.InMemoryLockBackend.Call;
import io.distlock.core.InMemoryLockBackend.Gate;
import io.distlock.core.InMemoryLockBackend.Operation;

import static io.distlock.core.EngineFixture.eventually;
import static io.distlock.core.EngineFixture.resultOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link QueuedLockManager}: the local FIFO queue per key, its bounds, cancellation,
 * lost leases and shutdown, on the {@link InMemoryLockBackend} through the public API only.
 */
class QueuedLockManagerTests {

	private static final String KEY = "orders:1";

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** The owner token of a holder in another process, as the backend sees it. */
	private static final String OTHER_PROCESS = "other-process:1";

	@RegisterExtension
	final EngineFixture engine = new EngineFixture();

	private final InMemoryLockBackend backend = this.engine.backend();

	@ParameterizedTest(name = "hand-offs accepted by the backend: {0}")
	@ValueSource(booleans = { true, false })
	void localWaitersAcquireInTheOrderTheyAsked(boolean handOffsAccepted) {
		this.backend.acceptHandOffs(handOffsAccepted);
		QueuedLockManager locks = this.engine.manager();
		LockHandle holder = locks.acquire(request());
		List<LockHandle> waiters = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			waiters.add(locks.lock(KEY, TTL, WAIT));
		}
		LockHandle releasing = holder;
		for (int i = 0; i < waiters.size(); i++) {
			assertThat(waiters.subList(i, waiters.size())).as("waiters from %d on", i)
				.noneMatch((waiter) -> waiter.result().isDone());
			releasing.unlock();
			LockHandle next = waiters.get(i);
			LockResult result = resultOf(next);
			assertThat(result.status()).as("waiter %d", i).isEqualTo(LockStatus.ACQUIRED);
			assertThat(result.fencingToken()).isGreaterThan(releasing.fencingToken());
			assertThat(next.isHeld()).isTrue();
			assertThat(this.backend.fencingToken(KEY)).isEqualTo(result.fencingToken());
			releasing = next;
		}
		releasing.unlock();
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void onlyTheFrontOfTheQueueContendsInTheBackend() {
		QueuedLockManager locks = this.engine.manager();
		long foreignToken = this.backend.tryAcquire(KEY, OTHER_PROCESS, TTL, Duration.ZERO).fencingToken();
		List<LockHandle> waiters = List.of(locks.lock(KEY, TTL, WAIT), locks.lock(KEY, TTL, WAIT),
				locks.lock(KEY, TTL, WAIT));
		// The other process's call and three busy attempts: the front retried while the rest waited.
		this.backend.awaitCompleted(Operation.ACQUIRE, 4);
		assertThat(this.backend.contenders(KEY)).hasSize(2).first().isEqualTo(OTHER_PROCESS);
		String front = this.backend.contenders(KEY).get(1);
		this.backend.release(KEY, OTHER_PROCESS, foreignToken, null);
		assertThat(resultOf(waiters.get(0)).status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(this.backend.holder(KEY)).isEqualTo(front);
		for (int i = 1; i < waiters.size(); i++) {
			assertThat(waiters.get(i).result()).as("waiter %d", i).isNotDone();
			waiters.get(i - 1).unlock();
			assertThat(resultOf(waiters.get(i)).status()).as("waiter %d", i).isEqualTo(LockStatus.ACQUIRED);
		}
		waiters.get(2).unlock();
		assertThat(this.backend.contenders(KEY)).as("owners that attempted").containsExactly(OTHER_PROCESS, front);
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void aRequestBeyondTheQueueBoundIsRejectedAtOnce() {
		QueuedLockManager locks = this.engine.manager(EngineFixture.SETTINGS.withMaxWaitersPerKey(2));
		LockHandle holder = locks.acquire(request());
		LockHandle first = locks.lock(KEY, TTL, WAIT);
		LockHandle second = locks.lock(KEY, TTL, WAIT);
		LockHandle rejected = locks.lock(KEY, TTL, WAIT);
		assertThat(rejected.result().getNow(null)).as("completed at once").isNotNull()
			.extracting(LockResult::status).isEqualTo(LockStatus.REJECTED);
		assertThat(rejected.isHeld()).isFalse();
		assertThat(rejected.fencingToken()).isEqualTo(-1);
		assertThatExceptionOfType(LockNotAcquiredException.class).isThrownBy(() -> locks.acquire(request()))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(LockStatus.REJECTED));
		assertThat(this.backend.calls(Operation.ACQUIRE)).as("only the holder attempted").isEqualTo(1);
		assertThat(first.result()).isNotDone();
		holder.unlock();
		assertThat(resultOf(first).status()).isEqualTo(LockStatus.ACQUIRED);
		first.unlock();
		assertThat(resultOf(second).status()).isEqualTo(LockStatus.ACQUIRED);
		second.unlock();
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void aContendingRequestTimesOutAtItsWaitBound() {
		QueuedLockManager locks = this.engine.manager();
		this.backend.tryAcquire(KEY, OTHER_PROCESS, TTL, Duration.ZERO);
		Duration wait = Duration.ofMillis(200);
		LockHandle handle = locks.lock(KEY, TTL, wait);
		LockResult result = resultOf(handle);
		assertThat(result.status()).isEqualTo(LockStatus.TIMED_OUT);
		assertThat(result.fencingToken()).isEqualTo(-1);
		assertThat(result.waited()).isGreaterThanOrEqualTo(wait);
		assertThat(handle.isHeld()).isFalse();
		assertThat(this.backend.holder(KEY)).isEqualTo(OTHER_PROCESS);
		eventually("no local state", () -> locks.activeKeys() == 0 && this.backend.openWatches() == 0);
	}

	@Test
	void aZeroWaitTriesOnce() {
		QueuedLockManager locks = this.engine.manager();
		this.backend.tryAcquire(KEY, OTHER_PROCESS, TTL, Duration.ZERO);
		LockHandle handle = locks.lock(KEY, TTL, Duration.ZERO);
		assertThat(resultOf(handle).status()).isEqualTo(LockStatus.TIMED_OUT);
		assertThat(this.backend.calls(Operation.ACQUIRE)).isEqualTo(2);
		eventually("no local state", () -> locks.activeKeys() == 0);
	}

	@Test
	void aQueuedRequestTimesOutAndTheReleaseSkipsIt() {
		QueuedLockManager locks = this.engine.manager();
		LockHandle holder = locks.acquire(request());
		LockHandle late = locks.lock(KEY, TTL, Duration.ofMillis(200));
		assertThat(resultOf(late).status()).isEqualTo(LockStatus.TIMED_OUT);
		assertThat(holder.isHeld()).isTrue();
		holder.unlock();
		this.engine.assertNothingLeft(locks);
		assertThat(releases()).singleElement().satisfies((call) -> assertThat(call.handOff()).isNull());
	}

	@Test
	void aCancelledQueuedRequestIsSkipped() {
		QueuedLockManager locks = this.engine.manager();
		LockHandle holder = locks.acquire(request());
		LockHandle cancelled = locks.lock(KEY, TTL, WAIT);
		LockHandle next = locks.lock(KEY, TTL, WAIT);
		cancelled.cancel();
		assertThat(resultOf(cancelled).status()).isEqualTo(LockStatus.CANCELLED);
		assertThat(next.result()).isNotDone();
		holder.unlock();
		assertThat(resultOf(next).status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(cancelled.isHeld()).isFalse();
		assertThat(cancelled.fencingToken()).isEqualTo(-1);
		assertThat(this.backend.holder(KEY)).isNotNull();
		assertThat(releases()).singleElement()
			.satisfies((call) -> assertThat(call.handOff()).isIn(null, this.backend.holder(KEY)));
		next.unlock();
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void aRefusedRenewalLosesTheLeaseAndPassesTheLockToTheNextWaiter() throws Exception {
		QueuedLockManager locks = this.engine.manager();
		Duration ttl = Duration.ofMillis(300);
		LockHandle holder = locks.acquire(LockRequest.of(KEY, ttl));
		LockHandle next = locks.lock(KEY, ttl, WAIT);
		// As if the lease had run out in the backend: the next renewal is refused.
		assertThat(this.backend.expire(KEY)).isTrue();
		LockLostException lost = holder.leaseLost().get(EngineFixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(lost).hasMessageContaining(KEY);
		assertThat(holder.isHeld()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(holder::assertHeld);
		LockResult result = resultOf(next);
		assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(result.fencingToken()).isGreaterThan(holder.fencingToken());
		assertThat(next.isHeld()).isTrue();
		holder.unlock();
		assertThat(next.isHeld()).as("after the lost holder's unlock").isTrue();
		assertThat(this.backend.fencingToken(KEY)).isEqualTo(result.fencingToken());
		next.unlock();
		this.engine.assertNothingLeft(locks);
	}

	@Test
	void closeCancelsWaitersReleasesHoldersAndClosesTheBackend() {
		QueuedLockManager locks = this.engine.manager();
		LockHandle holder = locks.acquire(request());
		List<LockHandle> queued = List.of(locks.lock(KEY, TTL, WAIT), locks.lock(KEY, TTL, WAIT));
		LockHandle otherKey = locks.acquire(LockRequest.of("orders:2", TTL));
		this.backend.tryAcquire("orders:3", OTHER_PROCESS, TTL, Duration.ZERO);
		LockHandle contending = locks.lock("orders:3", TTL, WAIT);
		this.backend.awaitCompleted(Operation.ACQUIRE, 5);
		locks.close();
		for (LockHandle waiter : List.of(queued.get(0), queued.get(1), contending)) {
			assertThat(resultOf(waiter).status()).as(waiter.toString()).isEqualTo(LockStatus.CANCELLED);
			assertThat(waiter.isHeld()).isFalse();
		}
		for (LockHandle held : List.of(holder, otherKey)) {
			assertThat(resultOf(held).status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(held.isHeld()).as(held.toString()).isFalse();
		}
		assertThat(this.backend.keys()).containsExactly("orders:3");
		assertThat(this.backend.holder("orders:3")).isEqualTo(OTHER_PROCESS);
		assertThat(this.backend.openWatches()).isZero();
		assertThat(this.backend.isClosed()).isTrue();
		assertThat(locks.activeKeys()).isZero();
		LockHandle afterClose = locks.lock(KEY, TTL, WAIT);
		assertThat(resultOf(afterClose).status()).isEqualTo(LockStatus.CANCELLED);
	}

	@Test
	void closeWhileAnAttemptIsInFlightGivesItsGrantBack() {
		QueuedLockManager locks = this.engine.manager();
		Gate attempt = this.backend.pauseNext(Operation.ACQUIRE);
		LockHandle handle = locks.lock(KEY, TTL, WAIT);
		Call call = attempt.awaitArrival();
		assertThat(this.backend.holder(KEY)).isEqualTo(call.owner());
		EngineFixture.Background<Boolean> closing = this.engine.inBackground("closing", () -> {
			locks.close();
			return true;
		});
		EngineFixture.settle(handle.result(), Duration.ofSeconds(2));
		attempt.open();
		closing.join();
		assertThat(resultOf(handle).status()).isEqualTo(LockStatus.CANCELLED);
		assertThat(handle.isHeld()).isFalse();
		assertThat(this.backend.keys()).as("held keys").isEmpty();
	}

	private static LockRequest request() {
		return LockRequest.of(KEY, TTL).withWaitTime(WAIT);
	}

	private List<Call> releases() {
		return this.backend.calls().stream().filter((call) -> call.operation() == Operation.RELEASE).toList();
	}

}
