package io.distlock.core.spi;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.distlock.core.HeldLock;
import io.distlock.core.spi.LockBackend.HandOff;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the contract of {@link LockBackend}, run against each backend by a subclass that
 * says how to make a backend (one per simulated process, all on the same store), how time passes
 * for the store and what residue means there. A lock taken by one process is contended by
 * another, as the machinery guarantees one contender per key and process.
 */
public abstract class LockBackendContractTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** A lease short enough to let run out, long enough to outlast a slow call. */
	private static final Duration SHORT_TTL = Duration.ofSeconds(1);

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
		LockBackend holder = process();
		LockBackend other = process();
		String owner = owner();
		long token = acquire(holder, owner, SHORT_TTL);
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

}
