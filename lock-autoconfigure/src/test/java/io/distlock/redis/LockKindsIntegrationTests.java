package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.HeldLock;
import io.distlock.core.LockHandle;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockSettings;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for shared locks and permits through {@link RedisLockManager} against a real
 * redis-server: several managers stand for several processes, and every concurrency assertion
 * is checked by counters the locks do not use.
 */
class LockKindsIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	final LockFixture fixture = new LockFixture(redis);

	@Test
	void readersOverlapAcrossProcessesAndNeverBesideAWriter() throws Exception {
		List<RedisLockManager> processes = List.of(this.fixture.manager(), this.fixture.manager(),
				this.fixture.manager());
		AtomicInteger readers = new AtomicInteger();
		AtomicInteger mostReaders = new AtomicInteger();
		AtomicBoolean writing = new AtomicBoolean();
		AtomicInteger violations = new AtomicInteger();
		LockRequest read = request("catalog").withMode(LockMode.SHARED);
		LockRequest write = request("catalog");
		runOnEach(processes, 4, 40, (locks, thread, round) -> {
			boolean writer = thread == 0 && round % 4 == 0;
			try (LockHandle handle = locks.acquire(writer ? write : read)) {
				if (writer) {
					if (!writing.compareAndSet(false, true) || readers.get() > 0) {
						violations.incrementAndGet();
					}
					Thread.sleep(2);
					writing.set(false);
				}
				else {
					int inside = readers.incrementAndGet();
					mostReaders.accumulateAndGet(inside, Math::max);
					if (writing.get()) {
						violations.incrementAndGet();
					}
					Thread.sleep(2);
					readers.decrementAndGet();
				}
			}
		});
		assertThat(violations).hasValue(0);
		assertThat(mostReaders.get()).isGreaterThanOrEqualTo(2);
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void permitsAdmitExactlyTheirNumberAcrossProcesses() throws Exception {
		List<RedisLockManager> processes = List.of(this.fixture.manager(), this.fixture.manager(),
				this.fixture.manager());
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		AtomicInteger sections = new AtomicInteger();
		AtomicInteger violations = new AtomicInteger();
		LockRequest permit = request("partner-api").withPermits(3);
		runOnEach(processes, 4, 25, (locks, thread, round) -> {
			try (LockHandle handle = locks.acquire(permit)) {
				int now = inside.incrementAndGet();
				most.accumulateAndGet(now, Math::max);
				if (now > 3) {
					violations.incrementAndGet();
				}
				Thread.sleep(3);
				inside.decrementAndGet();
				sections.incrementAndGet();
			}
		});
		assertThat(violations).hasValue(0);
		assertThat(most).hasValue(3);
		assertThat(sections).hasValue(3 * 4 * 25);
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void aStreamOfReadersDoesNotStarveAWaitingWriter() throws Exception {
		RedisLockManager readersProcess = this.fixture.manager();
		RedisLockManager writerProcess = this.fixture.manager();
		AtomicBoolean stop = new AtomicBoolean();
		ExecutorService readers = Executors.newFixedThreadPool(4);
		LockRequest read = request("report").withMode(LockMode.SHARED);
		List<Long> readerGrants = new java.util.concurrent.CopyOnWriteArrayList<>();
		List<Future<?>> running = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			running.add(readers.submit(() -> {
				while (!stop.get()) {
					try (LockHandle handle = readersProcess.acquire(read)) {
						readerGrants.add(System.nanoTime());
						Thread.sleep(20);
					}
				}
				return null;
			}));
		}
		try {
			Thread.sleep(200);
			long asked = System.nanoTime();
			LockHandle writer = writerProcess.lock(request("report").withWaitTime(Duration.ofSeconds(5)));
			LockResult result = writer.await();
			long granted = System.nanoTime();
			assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
			// Readers whose attempt was already on its way may still come in; none after that.
			long settled = asked + TimeUnit.MILLISECONDS.toNanos(50);
			assertThat(readerGrants).filteredOn((at) -> at > settled && at < granted).isEmpty();
			assertThat(TimeUnit.NANOSECONDS.toMillis(granted - asked)).isLessThan(1000);
			writer.unlock();
		}
		finally {
			stop.set(true);
			for (Future<?> reader : running) {
				reader.get(10, TimeUnit.SECONDS);
			}
			readers.shutdown();
		}
	}

	@Test
	void theLastShareReleasedWakesAMutexWaitingInTheSameProcessAtOnce() throws Exception {
		// Retries 5 s apart: a grant within a second can only come from the release's notification.
		RedisLockManager process = this.fixture.manager(
				LockSettings.DEFAULTS.withRetryIntervals(Duration.ofSeconds(5), Duration.ofSeconds(5)));
		LockHandle share = process.acquire(request("own-share").withMode(LockMode.SHARED));
		LockHandle writer = process.lock(request("own-share"));
		Thread.sleep(200);
		assertThat(writer.isHeld()).isFalse();
		LockHandle reader = this.fixture.manager().lock(request("own-share").withMode(LockMode.SHARED));
		Thread.sleep(200);
		assertThat(reader.isHeld()).as("a new share waits behind the waiting mutex").isFalse();
		long released = System.nanoTime();
		share.unlock();
		assertThat(writer.result().get(5, TimeUnit.SECONDS).acquired()).isTrue();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released)).isLessThan(1000);
		assertThat(reader.isHeld()).as("still behind the mutex while it holds").isFalse();
		writer.unlock();
		assertThat(reader.await().acquired()).isTrue();
		reader.unlock();
	}

	@Test
	void anExclusiveTokenExceedsEveryEarlierShareAndPermit() {
		RedisLockManager first = this.fixture.manager();
		RedisLockManager second = this.fixture.manager();
		long highest = 0;
		List<LockHandle> shares = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			LockHandle share = ((i % 2 == 0) ? first : second).acquire(request("ledger").withMode(LockMode.SHARED));
			assertThat(share.fencingToken()).isGreaterThan(highest);
			highest = share.fencingToken();
			shares.add(share);
		}
		shares.forEach(LockHandle::unlock);
		try (LockHandle exclusive = second.acquire(request("ledger"))) {
			assertThat(exclusive.fencingToken()).isGreaterThan(highest);
			highest = exclusive.fencingToken();
		}
		try (LockHandle permit = first.acquire(request("ledger").withPermits(2))) {
			assertThat(permit.fencingToken()).isGreaterThan(highest);
			highest = permit.fencingToken();
		}
		try (LockHandle exclusive = first.acquire(request("ledger"))) {
			assertThat(exclusive.fencingToken()).isGreaterThan(highest);
		}
	}

	@Test
	void anUnrenewedShareFreesTheKeyAfterItsTtlAndItsHolderLearnsItLost() throws Exception {
		RedisLockManager crashed = this.fixture.manager();
		RedisLockManager next = this.fixture.manager();
		LockRequest share = LockRequest.of("nightly", Duration.ofMillis(400)).withMode(LockMode.SHARED)
			.withAutoRenew(false);
		LockHandle held = crashed.acquire(share);
		long start = System.nanoTime();
		LockHandle writer = next.lock(request("nightly").withWaitTime(Duration.ofSeconds(3)));
		LockStatus status = writer.await().status();
		long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(status).isEqualTo(LockStatus.ACQUIRED);
		assertThat(waitedMillis).isBetween(300L, 1400L);
		assertThat(held.leaseLost().get(2, TimeUnit.SECONDS)).isNotNull();
		assertThat(held.isHeld()).isFalse();
		held.unlock();
		assertThat(writer.isHeld()).isTrue();
		writer.unlock();
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void renewalKeepsSharesAndPermitsPastTheirTtl() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		LockRequest shortLease = LockRequest.of("renewed", Duration.ofMillis(300));
		try (LockHandle share = locks.acquire(shortLease.withMode(LockMode.SHARED));
				LockHandle permit = locks.acquire(shortLease.withKey("renewed-permit").withPermits(2))) {
			Thread.sleep(1000);
			assertThat(share.isHeld()).isTrue();
			assertThat(permit.isHeld()).isTrue();
			assertThat(this.fixture.manager()
				.lock(shortLease.withWaitTime(Duration.ZERO))
				.await()
				.status()).isEqualTo(LockStatus.TIMED_OUT);
		}
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void theClusterViewShowsTheModeAndHowManyHold() {
		RedisLockManager locks = this.fixture.manager();
		try (LockHandle one = locks.acquire(request("view").withMode(LockMode.SHARED).withName("reports"));
				LockHandle two = locks.acquire(request("view").withMode(LockMode.SHARED).withName("reports"));
				LockHandle permit = locks.acquire(request("view-permits").withPermits(4))) {
			List<HeldLock> held = locks.backendLocks(null, 10).locks();
			assertThat(held).extracting(HeldLock::key, HeldLock::mode, HeldLock::holders)
				.containsExactlyInAnyOrder(tuple("view", HeldLock.SHARED, 2),
						tuple("view-permits", HeldLock.PERMITS, 1));
			assertThat(one.isHeld() && two.isHeld() && permit.isHeld()).isTrue();
		}
	}

	@Test
	void tenThousandSharesAndPermitsLeaveNothingBehind() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		List<LockHandle> held = new ArrayList<>();
		for (int i = 0; i < 5000; i++) {
			held.add(locks.lock(request("residue:s:" + i).withMode(LockMode.SHARED)));
			held.add(locks.lock(LockRequest.of("residue:p:" + i, Duration.ofMillis(300)).withPermits(2)
				.withAutoRenew(false)));
		}
		for (LockHandle handle : held) {
			assertThat(handle.await().acquired()).isTrue();
		}
		for (int i = 0; i < held.size(); i += 2) {
			held.get(i).unlock();
		}
		Thread.sleep(600);
		assertThat(this.fixture.lockKeyCount()).isZero();
		assertThat(locks.activeKeys()).isZero();
	}

	private static LockRequest request(String key) {
		return LockRequest.of(key, TTL).withWaitTime(Duration.ofSeconds(10));
	}

	/** Runs {@code rounds} of {@code body} on {@code threads} threads of each process, concurrently. */
	private static void runOnEach(List<RedisLockManager> processes, int threads, int rounds, Section body)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(processes.size() * threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> running = new ArrayList<>();
		try {
			for (RedisLockManager locks : processes) {
				for (int t = 0; t < threads; t++) {
					int thread = t;
					running.add(pool.submit(() -> {
						start.await();
						for (int round = 0; round < rounds; round++) {
							body.run(locks, thread, round);
						}
						return null;
					}));
				}
			}
			start.countDown();
			for (Future<?> task : running) {
				task.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@FunctionalInterface
	private interface Section {

		void run(RedisLockManager locks, int thread, int round) throws Exception;

	}

}
