package io.distlock.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.distlock.core.InMemoryLockBackend.Call;
import io.distlock.core.InMemoryLockBackend.Gate;
import io.distlock.core.InMemoryLockBackend.Operation;
import io.distlock.core.spi.AcquireOutcome;
import io.distlock.core.spi.LockBackend.HandOff;
import io.distlock.core.spi.ReleaseOutcome;
import io.distlock.core.spi.ReleaseWatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for the test controls of {@link InMemoryLockBackend}: gates, injected failures, its
 * clock and the call log; its SPI behaviour is covered by {@link InMemoryLockBackendContractTests}.
 */
class InMemoryLockBackendTests {

	private static final String KEY = "key";

	private static final Duration TTL = Duration.ofSeconds(30);

	private final InMemoryLockBackend backend = new InMemoryLockBackend();

	@AfterEach
	void close() {
		this.backend.close();
	}

	@Test
	void aPausedCallTakesEffectAndReturnsOnlyOnceItsGateOpens() throws Exception {
		Gate gate = this.backend.pauseNext(Operation.ACQUIRE);
		CompletableFuture<AcquireOutcome> attempt = CompletableFuture
			.supplyAsync(() -> this.backend.tryAcquire(KEY, "a", TTL, Duration.ZERO));
		Call call = gate.awaitArrival();
		assertThat(call).isEqualTo(new Call(Operation.ACQUIRE, KEY, "a", null));
		assertThat(this.backend.holder(KEY)).as("taken while the reply is in flight").isEqualTo("a");
		assertThat(gate.caller()).isNotNull();
		assertThat(attempt).isNotDone();
		assertThat(this.backend.tryAcquire(KEY, "b", TTL, Duration.ZERO).acquired()).as("the next call is not paused")
			.isFalse();
		gate.open();
		assertThat(attempt.get(10, TimeUnit.SECONDS).fencingToken()).isEqualTo(1);
		this.backend.awaitCompleted(Operation.ACQUIRE, 2);
	}

	@Test
	void closingLetsPausedCallsGoOnAndFailsLaterCalls() throws Exception {
		Gate gate = this.backend.pauseNext(Operation.RENEW);
		this.backend.tryAcquire(KEY, "a", TTL, Duration.ZERO);
		CompletableFuture<Boolean> renewal = CompletableFuture.supplyAsync(() -> this.backend.renew(KEY, "a", TTL));
		gate.awaitArrival();
		this.backend.close();
		assertThat(renewal.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.backend.isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> this.backend.release(KEY, "a", 1, null));
		assertThat(this.backend.holder(KEY)).as("views stay readable").isEqualTo("a");
	}

	@Test
	void injectedFailuresThrowWithOrWithoutTheirEffect() {
		IllegalStateException lost = new IllegalStateException("reply lost");
		this.backend.failNext(Operation.ACQUIRE, lost);
		assertThatIllegalStateException().isThrownBy(() -> this.backend.tryAcquire(KEY, "a", TTL, Duration.ZERO))
			.isSameAs(lost);
		assertThat(this.backend.isHeld(KEY)).isFalse();
		this.backend.failNextAfterApplying(Operation.ACQUIRE, lost);
		assertThatIllegalStateException().isThrownBy(() -> this.backend.tryAcquire(KEY, "a", TTL, Duration.ZERO));
		assertThat(this.backend.holder(KEY)).isEqualTo("a");
		this.backend.failEvery(Operation.RENEW, lost);
		assertThatIllegalStateException().isThrownBy(() -> this.backend.renew(KEY, "a", TTL));
		assertThatIllegalStateException().isThrownBy(() -> this.backend.renew(KEY, "a", TTL));
		this.backend.stopFailing(Operation.RENEW);
		assertThat(this.backend.renew(KEY, "a", TTL)).isTrue();
		assertThat(this.backend.calls(Operation.ACQUIRE)).isEqualTo(2);
		assertThat(this.backend.calls(Operation.RENEW)).isEqualTo(3);
		assertThat(this.backend.contenders(KEY)).containsExactly("a");
	}

	@Test
	void leasesEndWhenTheClockPassesThemOrWhenExpiredAndWatchersHearOfIt() {
		AtomicInteger notified = new AtomicInteger();
		try (ReleaseWatch watch = this.backend.watch(KEY, notified::incrementAndGet)) {
			this.backend.tryAcquire(KEY, "a", Duration.ofSeconds(1), Duration.ZERO);
			this.backend.advance(Duration.ofMillis(999));
			assertThat(this.backend.holder(KEY)).isEqualTo("a");
			assertThat(this.backend.tryAcquire(KEY, "b", TTL, Duration.ZERO).retryAfter())
				.isEqualTo(Duration.ofMillis(1));
			this.backend.advance(Duration.ofMillis(1));
			assertThat(this.backend.keys()).isEmpty();
			assertThat(notified).hasValue(1);
			this.backend.tryAcquire(KEY, "b", TTL, Duration.ZERO);
			assertThat(this.backend.expire(KEY)).isTrue();
			assertThat(this.backend.renew(KEY, "b", TTL)).isFalse();
			assertThat(notified).hasValue(2);
		}
		assertThat(this.backend.openWatches()).isZero();
	}

	@Test
	void tokensAfterAnExpiredLeaseStayAboveItsInMemoryHandOffsWhenThoseAreAllowed() {
		this.backend.allowInMemoryHandOffs(true);
		assertThat(this.backend.handsOffInMemory()).isTrue();
		long first = this.backend.tryAcquire(KEY, "a", TTL, Duration.ZERO).fencingToken();
		this.backend.expire(KEY);
		assertThat(this.backend.tryAcquire(KEY, "b", TTL, Duration.ZERO).fencingToken())
			.isGreaterThan(first + LockSettings.MAX_LOCAL_HAND_OFFS);
	}

	@Test
	void aReleaseRaisesTheTokenFloorToTheReleasedToken() {
		long first = this.backend.tryAcquire(KEY, "a", TTL, Duration.ZERO).fencingToken();
		ReleaseOutcome handedOff = this.backend.release(KEY, "a", first + 5, new HandOff("b", TTL));
		assertThat(handedOff.handOffToken()).isEqualTo(first + 6);
		this.backend.acceptHandOffs(false);
		assertThat(this.backend.release(KEY, "b", first + 6, new HandOff("c", TTL))).isEqualTo(ReleaseOutcome.RELEASED);
		assertThat(this.backend.isHeld(KEY)).isFalse();
		assertThat(this.backend.tryAcquire(KEY, "d", TTL, Duration.ZERO).fencingToken()).isEqualTo(first + 7);
	}

}
