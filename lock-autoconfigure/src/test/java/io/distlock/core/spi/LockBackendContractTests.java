package io.distlock.core.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.distlock.core.HeldLock;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.spi.LockBackend.Attempt;
import io.distlock.core.spi.LockBackend.HandOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for the contract of {@link LockBackend}, run against each backend by a subclass that
 * says how to make a backend (one per simulated process, all on the same store), how time passes
 * for the store and what residue means there. A mutex taken by one process is contended by
 * another, as the machinery guarantees one contender per key and process; shares and permits,
 * which the machinery attempts one request at a time, may also be contended within a process.
 * The tests of lock kinds run only on backends that {@link LockBackend#supportsLockKinds()
 * support them}.
 */
public abstract class LockBackendContractTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** A lease short enough to let run out, long enough to outlast a slow call. */
	private static final Duration SHORT_TTL = Duration.ofSeconds(1);

	/** The wait of a busy mutex attempt that the test lets pass. */
	private static final Duration SHORT_WAIT = Duration.ofMillis(300);

	private static final String KEY = "contract:key";

	private static final String SECOND_KEY = "contract:second-key";

	private static final BackendEvents NO_EVENTS = new BackendEvents() {

		@Override
		public void suspended() {
		}

		@Override
		public void resumed() {
		}

		@Override
		public void lost(String key, String owner, String reason) {
		}

	};

	private final String ownerPrefix = UUID.randomUUID() + ":";

	private final AtomicInteger owners = new AtomicInteger();

	/**
	 * A new backend on the store under test, as one process of its own would have it; the
	 * subclass closes it after the test.
	 * @return the backend
	 */
	protected abstract LockBackend newBackend();

	/**
	 * Lets at least {@code duration} pass as the store counts time: sleeps, or moves a test clock.
	 * @param duration how long
	 * @throws InterruptedException if interrupted while sleeping
	 */
	protected abstract void passTime(Duration duration) throws InterruptedException;

	/**
	 * Asserts that the store keeps nothing of the locks taken so far, now that each was released,
	 * expired or abandoned: no lock, reservation or waiter record. May wait a bounded time for the
	 * store's own clean-up.
	 * @throws Exception if the store cannot be asked
	 */
	protected abstract void assertNoResidue() throws Exception;

	@Test
	void acquiresAFreeKeyWithAPositiveToken() throws Exception {
		LockBackend process = process();
		process.check();
		String owner = owner();
		AcquireOutcome outcome = process.tryAcquire(KEY, owner, TTL, Duration.ZERO);
		assertThat(outcome.acquired()).isTrue();
		assertThat(outcome.fencingToken()).isPositive();
		assertThat(outcome.retryAfter()).isZero();
		assertThat(process.release(KEY, owner, outcome.fencingToken(), null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void anotherOwnerIsBusyWithAHintBoundedByTheLease() throws Exception {
		LockBackend holder = process();
		LockBackend other = process();
		String owner = owner();
		long token = acquire(holder, owner, TTL);
		AcquireOutcome busy = other.tryAcquire(KEY, owner(), TTL, WAIT);
		assertThat(busy.acquired()).isFalse();
		assertThat(busy.fencingToken()).isEqualTo(-1);
		assertThat(busy.retryAfter()).isLessThanOrEqualTo(TTL);
		if (holder.expiresLocks()) {
			assertThat(busy.retryAfter()).isPositive();
		}
		else {
			// A lock without expiry gives no hint; zero says so.
			assertThat(busy.retryAfter().isNegative()).isFalse();
		}
		other.abandon(KEY);
		assertThat(holder.release(KEY, owner, token, null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void theHoldingOwnerAcquiresAgainWithTheSameTokenAndAFreshLease() throws Exception {
		LockBackend holder = process();
		String owner = owner();
		long token = acquire(holder, owner, SHORT_TTL);
		if (holder.expiresLocks()) {
			passTime(SHORT_TTL.multipliedBy(6).dividedBy(10));
		}
		AcquireOutcome again = holder.tryAcquire(KEY, owner, SHORT_TTL, WAIT);
		assertThat(again.acquired()).isTrue();
		assertThat(again.fencingToken()).isEqualTo(token);
		if (holder.expiresLocks()) {
			// Past the first lease, within the fresh one.
			passTime(SHORT_TTL.multipliedBy(6).dividedBy(10));
			assertBusy(process());
		}
		assertThat(holder.release(KEY, owner, token, null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void releaseByTheOwnerFreesTheLockForAnotherOwnerWithAGreaterToken() throws Exception {
		LockBackend first = process();
		LockBackend second = process();
		String owner = owner();
		long token = acquire(first, owner, TTL);
		assertThat(first.release(KEY, owner, token, null)).isEqualTo(ReleaseOutcome.RELEASED);
		String next = owner();
		long nextToken = acquire(second, next, TTL);
		assertThat(nextToken).isGreaterThan(token);
		assertThat(first.release(KEY, owner, token, null)).as("a second release").isEqualTo(ReleaseOutcome.NOT_OWNER);
		assertThat(second.release(KEY, next, nextToken, null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void releaseByAnOwnerThatDoesNotHoldTheLockChangesNothing() throws Exception {
		LockBackend holder = process();
		LockBackend other = process();
		String owner = owner();
		long token = acquire(holder, owner, TTL);
		assertThat(other.release(KEY, owner(), token, null)).isEqualTo(ReleaseOutcome.NOT_OWNER);
		assertThat(holder.release(KEY, owner(), token, null)).as("same process, other owner")
			.isEqualTo(ReleaseOutcome.NOT_OWNER);
		assertThat(other.release("contract:other-key", owner, token, null)).as("a key never locked")
			.isEqualTo(ReleaseOutcome.NOT_OWNER);
		assertBusy(other);
		assertThat(holder.renew(KEY, owner, TTL)).isTrue();
		assertThat(holder.release(KEY, owner, token, null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void renewalIsOwnerChecked() throws Exception {
		LockBackend holder = process();
		LockBackend other = process();
		String owner = owner();
		long token = acquire(holder, owner, TTL);
		assertThat(holder.renew(KEY, owner, TTL)).isTrue();
		assertThat(other.renew(KEY, owner(), TTL)).isFalse();
		assertThat(holder.renew(KEY, owner(), TTL)).as("same process, other owner").isFalse();
		assertThat(holder.renew(KEY, owner, TTL)).as("the holder, after refused renewals").isTrue();
		assertThat(holder.release(KEY, owner, token, null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertThat(holder.renew(KEY, owner, TTL)).as("after release").isFalse();
		assertNoResidue();
	}

	@Test
	void batchRenewalChecksEachOwnerOnItsOwnAndKeepsTheOrder() throws Exception {
		LockBackend holder = process();
		String first = owner();
		String second = owner();
		long firstToken = acquire(holder, first, SHORT_TTL);
		AcquireOutcome other = holder.tryAcquire(SECOND_KEY, second, SHORT_TTL, WAIT);
		assertThat(other.acquired()).isTrue();
		if (holder.expiresLocks()) {
			passTime(SHORT_TTL.multipliedBy(6).dividedBy(10));
		}
		List<RenewalOutcome> outcomes = holder.renewAll(List.of(new LockBackend.Renewal(KEY, first, SHORT_TTL),
				new LockBackend.Renewal(KEY, second, SHORT_TTL), new LockBackend.Renewal(SECOND_KEY, second, SHORT_TTL),
				new LockBackend.Renewal("contract:never-locked", first, SHORT_TTL)));
		assertThat(outcomes).containsExactly(RenewalOutcome.RENEWED, RenewalOutcome.REFUSED, RenewalOutcome.RENEWED,
				RenewalOutcome.REFUSED);
		if (holder.expiresLocks()) {
			// Past the first leases, within the renewed ones.
			passTime(SHORT_TTL.multipliedBy(6).dividedBy(10));
			assertBusy(process());
		}
		assertThat(holder.release(KEY, first, firstToken, null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertThat(holder.release(SECOND_KEY, second, other.fencingToken(), null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void tokensStrictlyIncreaseAcrossAcquireAndReleaseCycles() throws Exception {
		LockBackend[] processes = { process(), process() };
		long previous = 0;
		for (int i = 0; i < 10; i++) {
			LockBackend process = processes[i % 2];
			String owner = owner();
			long token = acquire(process, owner, TTL);
			assertThat(token).as("token of cycle %d", i).isGreaterThan(previous);
			previous = token;
			assertThat(process.release(KEY, owner, token, null)).isEqualTo(ReleaseOutcome.RELEASED);
		}
		assertNoResidue();
	}

	@Test
	void tokensStrictlyIncreaseAcrossTheEndOfALockByExpiryOrRelease() throws Exception {
		LockBackend first = process();
		LockBackend second = process();
		String firstOwner = owner();
		long expired = acquire(first, firstOwner, SHORT_TTL);
		passTime(SHORT_TTL.multipliedBy(3).dividedBy(2));
		if (!first.expiresLocks()) {
			// A lock that outlives its ttl ends only when released.
			assertThat(first.release(KEY, firstOwner, expired, null)).isEqualTo(ReleaseOutcome.RELEASED);
		}
		String owner = owner();
		long token = acquire(second, owner, TTL);
		assertThat(token).isGreaterThan(expired);
		assertThat(second.release(KEY, owner, token, null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void anUnrenewedLockEndsWithItsTtlExactlyWhenTheBackendSaysItExpiresLocks() throws Exception {
		assertEndsWithItsTtlExactlyWhenTheBackendSaysItExpiresLocks(process(), Kind.MUTEX);
	}

	/**
	 * Takes {@link #KEY} as {@code kind} with {@link #SHORT_TTL} in {@code holder}, lets the ttl
	 * pass unrenewed and asserts that the lock ended exactly when the backend
	 * {@link LockBackend#expiresLocks() expires locks}: a mutex is then granted to another process,
	 * else it is still busy.
	 */
	private void assertEndsWithItsTtlExactlyWhenTheBackendSaysItExpiresLocks(LockBackend holder, Kind kind)
			throws Exception {
		LockBackend other = process();
		String owner = owner();
		long token = take(holder, kind.of(owner, SHORT_TTL)).token();
		AcquireOutcome busy = other.tryAcquire(KEY, owner(), TTL, WAIT);
		assertThat(busy.acquired()).isFalse();
		assertThat(busy.retryAfter()).isLessThanOrEqualTo(SHORT_TTL);
		other.abandon(KEY);
		passTime(SHORT_TTL.multipliedBy(3).dividedBy(2));
		if (!holder.expiresLocks()) {
			assertThat(holder.renew(KEY, owner, TTL)).as("a lock that outlives its ttl is still held").isTrue();
			assertThat(other.tryAcquire(KEY, owner(), TTL, WAIT).acquired()).as("by its holder only").isFalse();
			other.abandon(KEY);
			assertThat(holder.release(KEY, owner, token, null)).isEqualTo(ReleaseOutcome.RELEASED);
			assertNoResidue();
			return;
		}
		assertThat(busy.retryAfter()).isPositive();
		assertThat(holder.renew(KEY, owner, TTL)).as("renewal of the expired lock").isFalse();
		assertThat(holder.release(KEY, owner, token, null)).as("release of the expired lock")
			.isEqualTo(ReleaseOutcome.NOT_OWNER);
		String next = owner();
		long nextToken = acquire(other, next, TTL);
		assertThat(other.release(KEY, next, nextToken, null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void releaseHandsTheLockToTheNextOwnerOrFreesIt() throws Exception {
		LockBackend holder = process();
		LockBackend other = process();
		String owner = owner();
		long token = acquire(holder, owner, TTL);
		String next = owner();
		ReleaseOutcome outcome = holder.release(KEY, owner, token, new HandOff(next, TTL));
		assertThat(outcome.kind()).isIn(ReleaseOutcome.Kind.HANDED_OFF, ReleaseOutcome.Kind.RELEASED);
		assertThat(holder.renew(KEY, owner, TTL)).as("renewal by the releasing owner").isFalse();
		if (outcome.kind() == ReleaseOutcome.Kind.HANDED_OFF) {
			long handedOff = outcome.handOffToken();
			assertThat(handedOff).isGreaterThan(token);
			assertThat(holder.tryAcquire(KEY, next, TTL, WAIT).fencingToken()).as("the next owner's token")
				.isEqualTo(handedOff);
			assertThat(holder.renew(KEY, next, TTL)).isTrue();
			assertBusy(other);
			assertThat(holder.release(KEY, next, handedOff, null)).isEqualTo(ReleaseOutcome.RELEASED);
		}
		else {
			assertThat(outcome.handOffToken()).isEqualTo(-1);
			assertThat(holder.renew(KEY, next, TTL)).as("renewal by the declined next owner").isFalse();
			String later = owner();
			long laterToken = acquire(other, later, TTL);
			assertThat(laterToken).isGreaterThan(token);
			assertThat(other.release(KEY, later, laterToken, null)).isEqualTo(ReleaseOutcome.RELEASED);
		}
		assertNoResidue();
	}

	@Test
	void aWatchIsNotifiedWhenAnotherProcessReleases() throws Exception {
		LockBackend holder = process();
		LockBackend waiter = process();
		String owner = owner();
		long token = acquire(holder, owner, TTL);
		String waiting = owner();
		assertThat(waiter.tryAcquire(KEY, waiting, TTL, WAIT).acquired()).isFalse();
		assertThat(notifiedAfter(waiter, () -> holder.release(KEY, owner, token, null)))
			.isEqualTo(ReleaseOutcome.RELEASED);
		AcquireOutcome acquired = waiter.tryAcquire(KEY, waiting, TTL, WAIT);
		assertThat(acquired.acquired()).isTrue();
		assertThat(acquired.fencingToken()).isGreaterThan(token);
		assertThat(waiter.release(KEY, waiting, acquired.fencingToken(), null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void aForcedReleaseFreesTheLockForAnyProcessAndTheEvictedOwnerLearnsItAtItsRenewal() throws Exception {
		LockBackend holder = process();
		LockBackend operator = process();
		String owner = owner();
		long token = acquire(holder, owner, TTL);
		String waiting = owner();
		assertThat(operator.tryAcquire(KEY, waiting, TTL, WAIT).acquired()).isFalse();
		LockBackend.ForcedRelease evicted = notifiedAfter(operator, () -> operator.forceRelease(KEY));
		assertThat(evicted).isNotNull();
		assertThat(evicted.owner()).isEqualTo(owner);
		assertThat(evicted.lock().key()).isEqualTo(KEY);
		assertThat(evicted.lock().fencingToken()).isEqualTo(token);
		assertThat(evicted.lock().mode()).isEqualTo(HeldLock.EXCLUSIVE);
		AcquireOutcome next = operator.tryAcquire(KEY, waiting, TTL, WAIT);
		assertThat(next.acquired()).as("free at once").isTrue();
		assertThat(next.fencingToken()).isGreaterThan(token);
		assertThat(holder.renewAll(List.of(new LockBackend.Renewal(KEY, owner, TTL))))
			.containsExactly(RenewalOutcome.EVICTED);
		assertThat(holder.release(KEY, owner, token, null)).as("the evicted owner's release")
			.isEqualTo(ReleaseOutcome.NOT_OWNER);
		assertBusy(process());
		assertThat(operator.forceRelease("contract:never-locked")).isNull();
		assertThat(operator.release(KEY, waiting, next.fencingToken(), null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertNoResidue();
	}

	@Test
	void leavesNothingBehindAcrossKeysWaitsAndHandOffs() throws Exception {
		LockBackend first = process();
		LockBackend second = process();
		first.abandon("contract:never-waited");
		for (int i = 0; i < 5; i++) {
			String key = "contract:residue:" + i;
			String owner = owner();
			long token = first.tryAcquire(key, owner, TTL, WAIT).fencingToken();
			assertThat(token).isPositive();
			assertThat(second.tryAcquire(key, owner(), TTL, WAIT).acquired()).isFalse();
			second.abandon(key);
			String next = owner();
			ReleaseOutcome outcome = first.release(key, owner, token, new HandOff(next, TTL));
			if (outcome.kind() == ReleaseOutcome.Kind.HANDED_OFF) {
				assertThat(first.release(key, next, outcome.handOffToken(), null)).isEqualTo(ReleaseOutcome.RELEASED);
			}
			else {
				assertThat(outcome).isEqualTo(ReleaseOutcome.RELEASED);
			}
		}
		assertNoResidue();
	}

	@Test
	void sharesOfDifferentOwnersAreAllGranted() throws Exception {
		LockBackend first = kindsProcess();
		LockBackend second = process();
		List.of(take(first, share()), take(second, share()), take(first, share())).forEach(Held::release);
		assertNoResidue();
	}

	@Test
	void aMutexIsBusyWhileAnyShareIsHeldAndGrantedOnceEveryShareIsReleased() throws Exception {
		LockBackend readers = kindsProcess();
		LockBackend writer = process();
		Held first = take(readers, share());
		Held second = take(process(), share());
		Attempt mutex = mutex();
		assertTaken(writer, mutex);
		first.release();
		assertTaken(writer, mutex);
		second.release();
		take(writer, mutex).release();
		assertNoResidue();
	}

	@Test
	void aShareIsBusyWhileAMutexIsHeld() throws Exception {
		LockBackend writer = kindsProcess();
		LockBackend reader = process();
		Held exclusive = take(writer, mutex());
		Attempt share = share();
		assertThat(assertTaken(reader, share).retryAfter()).isLessThanOrEqualTo(TTL);
		exclusive.release();
		take(reader, share).release();
		assertNoResidue();
	}

	@Test
	void aWaitingMutexMakesNewSharesBusyUntilItIsServed() throws Exception {
		LockBackend readers = kindsProcess();
		LockBackend writer = process();
		Held first = take(readers, share());
		Attempt mutex = mutex();
		assertTaken(writer, mutex);
		Attempt later = share();
		assertTaken(readers, later);
		assertTaken(process(), share());
		first.release();
		Held exclusive = take(writer, mutex);
		assertThat(exclusive.token()).as("the served mutex's token").isGreaterThan(first.token());
		assertTaken(readers, later);
		exclusive.release();
		take(readers, later).release();
		assertNoResidue();
	}

	@Test
	void aWaitingMutexHoldsOffNewSharesOnlyUntilItsWaitPasses() throws Exception {
		LockBackend readers = kindsProcess();
		LockBackend writer = process();
		Held first = take(readers, share());
		assertThat(writer.tryAcquire(mutex(), SHORT_WAIT).acquired()).isFalse();
		Attempt later = share();
		assertTaken(readers, later);
		if (writer.expiresLocks()) {
			passTime(SHORT_WAIT.multipliedBy(2));
		}
		else {
			// A wait the backend does not end by itself ends when the machinery withdraws it, at its bound.
			writer.abandon(KEY);
		}
		Held second = take(readers, later);
		first.release();
		second.release();
		assertNoResidue();
	}

	@Test
	void threePermitsAreGrantedToThreeOwnersAndAFourthOnceOneIsReleased() throws Exception {
		LockBackend first = kindsProcess();
		LockBackend second = process();
		Held leaving = take(second, permit());
		List<Held> staying = List.of(take(first, permit()), take(first, permit()));
		Attempt fourth = permit();
		assertTaken(second, fourth);
		leaving.release();
		take(second, fourth).release();
		staying.forEach(Held::release);
		assertNoResidue();
	}

	@Test
	void tokensStrictlyIncreaseAcrossEveryKindSoAMutexTokenExceedsEveryEarlierOne() throws Exception {
		LockBackend[] processes = { kindsProcess(), process() };
		List<List<Kind>> rounds = List.of(List.of(Kind.SHARE, Kind.SHARE, Kind.SHARE), List.of(Kind.MUTEX),
				List.of(Kind.PERMIT, Kind.PERMIT), List.of(Kind.SHARE), List.of(Kind.PERMIT), List.of(Kind.MUTEX));
		long previous = 0;
		int taken = 0;
		for (List<Kind> round : rounds) {
			List<Held> together = new ArrayList<>();
			for (Kind kind : round) {
				Held held = take(processes[taken++ % 2], attempt(kind));
				assertThat(held.token()).as("token %d, of a %s", taken, kind).isGreaterThan(previous);
				previous = held.token();
				together.add(held);
			}
			together.forEach(Held::release);
		}
		assertNoResidue();
	}

	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "SHARE", "PERMIT" })
	void releaseOfAShareOrPermitByAnOwnerThatDoesNotHoldItChangesNothing(Kind kind) throws Exception {
		LockBackend holder = kindsProcess();
		LockBackend other = process();
		Held held = take(holder, attempt(kind));
		assertThat(other.release(KEY, owner(), held.token(), null)).isEqualTo(ReleaseOutcome.NOT_OWNER);
		assertThat(holder.release(KEY, owner(), held.token(), null)).as("same process, other owner")
			.isEqualTo(ReleaseOutcome.NOT_OWNER);
		assertBusy(other);
		assertThat(holder.renew(KEY, held.owner(), TTL)).isTrue();
		held.release();
		assertThat(holder.release(KEY, held.owner(), held.token(), null)).as("a second release")
			.isEqualTo(ReleaseOutcome.NOT_OWNER);
		assertNoResidue();
	}

	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "SHARE", "PERMIT" })
	void renewalOfAShareOrPermitIsOwnerChecked(Kind kind) throws Exception {
		LockBackend holder = kindsProcess();
		LockBackend other = process();
		Held held = take(holder, attempt(kind));
		Held beside = take(other, attempt(kind));
		assertThat(holder.renewAll(List.of(new LockBackend.Renewal(KEY, held.owner(), TTL),
				new LockBackend.Renewal(KEY, owner(), TTL))))
			.containsExactly(RenewalOutcome.RENEWED, RenewalOutcome.REFUSED);
		assertThat(other.renew(KEY, owner(), TTL)).as("a stranger beside another holder").isFalse();
		assertThat(other.renew(KEY, beside.owner(), TTL)).isTrue();
		held.release();
		beside.release();
		assertThat(holder.renew(KEY, held.owner(), TTL)).as("after release").isFalse();
		assertNoResidue();
	}

	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "SHARE", "PERMIT" })
	void anUnrenewedShareOrPermitEndsWithItsTtlExactlyWhenTheBackendSaysItExpiresLocks(Kind kind)
			throws Exception {
		assertEndsWithItsTtlExactlyWhenTheBackendSaysItExpiresLocks(kindsProcess(), kind);
	}

	@Test
	void aForcedReleaseFreesEveryShareAndEachEvictedOwnerLearnsItAtItsRenewal() throws Exception {
		LockBackend readers = kindsProcess();
		LockBackend operator = process();
		List<Held> shares = List.of(take(readers, share()), take(operator, share()));
		long latest = shares.get(1).token();
		Attempt mutex = mutex();
		assertTaken(operator, mutex);
		LockBackend.ForcedRelease evicted = notifiedAfter(operator, () -> operator.forceRelease(KEY));
		assertThat(evicted).isNotNull();
		assertThat(evicted.owner()).isIn(shares.stream().map(Held::owner).toList());
		assertThat(evicted.lock().mode()).isEqualTo(HeldLock.SHARED);
		assertThat(evicted.lock().holders()).isEqualTo(2);
		assertThat(evicted.lock().fencingToken()).as("the latest token").isEqualTo(latest);
		Held next = take(operator, mutex);
		assertThat(next.token()).as("the mutex's token, free at once").isGreaterThan(latest);
		for (Held share : shares) {
			assertThat(share.process().renewAll(List.of(new LockBackend.Renewal(KEY, share.owner(), TTL))))
				.singleElement()
				.isIn(RenewalOutcome.EVICTED, RenewalOutcome.REFUSED);
			assertThat(share.process().release(KEY, share.owner(), share.token(), null)).as("an evicted release")
				.isEqualTo(ReleaseOutcome.NOT_OWNER);
		}
		next.release();
		assertNoResidue();
	}

	/**
	 * Runs {@code release} while {@code watching} watches {@link #KEY}, and asserts the watch runs
	 * after it within 10 s (a watch may also run when it becomes ready or reconnects: only a run
	 * after the release counts).
	 * @return what {@code release} returned
	 */
	private static <T> T notifiedAfter(LockBackend watching, Callable<T> release) throws Exception {
		AtomicReference<CountDownLatch> notified = new AtomicReference<>(new CountDownLatch(1));
		try (ReleaseWatch watch = watching.watch(KEY, () -> notified.get().countDown())) {
			watch.ready().get(10, TimeUnit.SECONDS);
			CountDownLatch afterRelease = new CountDownLatch(1);
			notified.set(afterRelease);
			T released = release.call();
			assertThat(afterRelease.await(10, TimeUnit.SECONDS)).as("notified within 10s").isTrue();
			return released;
		}
	}

	/**
	 * A new backend as one process has it: observed and started, as the machinery does first.
	 */
	private LockBackend process() {
		LockBackend backend = newBackend();
		backend.observe(NO_EVENTS);
		backend.start();
		return backend;
	}

	/**
	 * A per-acquisition owner token, unique across tests and runs.
	 */
	private String owner() {
		return this.ownerPrefix + this.owners.incrementAndGet();
	}

	/**
	 * Takes the free {@link #KEY} for {@code owner}, returning the fencing token.
	 */
	private static long acquire(LockBackend process, String owner, Duration ttl) {
		AcquireOutcome outcome = process.tryAcquire(KEY, owner, ttl, WAIT);
		assertThat(outcome.acquired()).as("acquired by %s", owner).isTrue();
		return outcome.fencingToken();
	}

	/**
	 * Asserts that a fresh owner of {@code process} finds {@link #KEY} taken, then withdraws its wait.
	 */
	private void assertBusy(LockBackend process) {
		assertThat(process.tryAcquire(KEY, owner(), TTL, WAIT).acquired()).as("taken for another owner").isFalse();
		process.abandon(KEY);
	}

	/**
	 * A {@link #process()} of a backend that takes every kind of lock; the test is skipped on
	 * others.
	 */
	private LockBackend kindsProcess() {
		LockBackend backend = process();
		assumeTrue(backend.supportsLockKinds(), () -> backend.getClass().getSimpleName() + " has mutexes only");
		return backend;
	}

	/**
	 * An attempt at {@link #KEY} of a new owner, as {@code kind}, with the lease {@link #TTL}.
	 */
	private Attempt attempt(Kind kind) {
		return kind.of(owner(), TTL);
	}

	private Attempt mutex() {
		return attempt(Kind.MUTEX);
	}

	private Attempt share() {
		return attempt(Kind.SHARE);
	}

	private Attempt permit() {
		return attempt(Kind.PERMIT);
	}

	/**
	 * Takes {@link #KEY} by {@code attempt} in {@code process}, asserting it is granted.
	 */
	private static Held take(LockBackend process, Attempt attempt) {
		AcquireOutcome outcome = process.tryAcquire(attempt, WAIT);
		assertThat(outcome.acquired()).as("%s granted", attempt).isTrue();
		return new Held(process, attempt.owner(), outcome.fencingToken());
	}

	/**
	 * Asserts that {@code attempt} finds {@link #KEY} taken, leaving the wait a busy mutex attempt
	 * records, as the machinery does until the wait ends.
	 */
	private static AcquireOutcome assertTaken(LockBackend process, Attempt attempt) {
		AcquireOutcome outcome = process.tryAcquire(attempt, WAIT);
		assertThat(outcome.acquired()).as("%s busy", attempt).isFalse();
		return outcome;
	}

	/**
	 * A kind of lock an attempt asks for.
	 */
	private enum Kind {

		/** One holder alone. */
		MUTEX(LockMode.EXCLUSIVE, 1),

		/** Any number of holders at once, and no other kind beside them. */
		SHARE(LockMode.SHARED, 1),

		/** One of three holders at once. */
		PERMIT(LockMode.EXCLUSIVE, 3);

		private final LockMode mode;

		private final int permits;

		Kind(LockMode mode, int permits) {
			this.mode = mode;
			this.permits = permits;
		}

		Attempt of(String owner, Duration ttl) {
			return new Attempt(KEY, owner, ttl, LockRequest.UNNAMED, this.mode, this.permits);
		}

	}

	/**
	 * A lock {@link #take taken} at {@link #KEY}: in which process, by which owner, with which token.
	 */
	private record Held(LockBackend process, String owner, long token) {

		/**
		 * Releases it, asserting it was held.
		 */
		void release() {
			assertThat(this.process.release(KEY, this.owner, this.token, null)).as("release by %s", this.owner)
				.isEqualTo(ReleaseOutcome.RELEASED);
		}

	}

}
