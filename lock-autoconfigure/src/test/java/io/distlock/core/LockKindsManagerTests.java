package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What shared locks and permits promise through a {@link LockManager}, for every backend: a
 * subclass gives managers that stand for processes of their own on one real server, and checks
 * that nothing is left there. Every concurrency claim is checked by counters the locks do not use.
 */
public abstract class LockKindsManagerTests {

	/** The lease of every request here. */
	protected static final Duration TTL = Duration.ofSeconds(5);

	/** The wait bound of every request here. */
	protected static final Duration WAIT = Duration.ofSeconds(10);

	/**
	 * A manager of a process of its own, closed after the test.
	 * @return the manager
	 */
	protected abstract LockManager process();

	/**
	 * Asserts that the backend holds nothing of the locks any more.
	 * @throws Exception when the backend cannot be read
	 */
	protected abstract void assertNoResidue() throws Exception;

	/**
	 * A request of {@link #TTL} and {@link #WAIT}.
	 * @param key the lock key
	 * @return the request
	 */
	protected static LockRequest request(String key) {
		return LockRequest.of(key, TTL).withWaitTime(WAIT);
	}

	@Test
	void readersOverlapAcrossProcessesAndNeverBesideAWriter() throws Exception {
		AtomicInteger readers = new AtomicInteger();
		AtomicInteger mostReaders = new AtomicInteger();
		AtomicBoolean writing = new AtomicBoolean();
		AtomicInteger violations = new AtomicInteger();
		AtomicInteger writes = new AtomicInteger();
		LockRequest write = request("catalog");
		LockRequest read = write.withMode(LockMode.SHARED);
		runOnEach(List.of(process(), process(), process()), 4, 20, (locks, thread, round) -> {
			boolean writer = thread == 0 && round % 4 == 0;
			try (LockHandle handle = locks.acquire(writer ? write : read)) {
				if (writer) {
					if (!writing.compareAndSet(false, true) || readers.get() > 0) {
						violations.incrementAndGet();
					}
					Thread.sleep(2);
					writes.incrementAndGet();
					writing.set(false);
				}
				else {
					mostReaders.accumulateAndGet(readers.incrementAndGet(), Math::max);
					if (writing.get()) {
						violations.incrementAndGet();
					}
					Thread.sleep(2);
					readers.decrementAndGet();
				}
			}
		});
		assertThat(violations).hasValue(0);
		assertThat(writes).hasValue(3 * 5);
		assertThat(mostReaders.get()).as("readers at once").isGreaterThanOrEqualTo(2);
		assertNoResidue();
	}

	@Test
	void permitsAdmitExactlyTheirNumberAcrossProcesses() throws Exception {
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		AtomicInteger sections = new AtomicInteger();
		LockRequest permit = request("partner-api").withPermits(3);
		runOnEach(List.of(process(), process(), process()), 4, 15, (locks, thread, round) -> {
			try (LockHandle handle = locks.acquire(permit)) {
				most.accumulateAndGet(inside.incrementAndGet(), Math::max);
				Thread.sleep(3);
				inside.decrementAndGet();
				sections.incrementAndGet();
			}
		});
		assertThat(most).as("holders at once").hasValue(3);
		assertThat(sections).hasValue(3 * 4 * 15);
		assertNoResidue();
	}

	@Test
	void aStreamOfReadersDoesNotStarveAWaitingWriter() throws Exception {
		LockManager readersProcess = process();
		LockManager writerProcess = process();
		AtomicBoolean stop = new AtomicBoolean();
		ExecutorService readers = Executors.newFixedThreadPool(4);
		LockRequest read = request("report").withMode(LockMode.SHARED);
		List<Long> readerGrants = new CopyOnWriteArrayList<>();
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
			LockHandle writer = writerProcess.lock(request("report"));
			LockResult result = writer.await();
			long granted = System.nanoTime();
			assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
			// Readers overlap all the time: without its precedence the writer would wait in vain. Readers
			// whose attempt was already on its way may still come in; none after that.
			long settled = asked + TimeUnit.MILLISECONDS.toNanos(50);
			assertThat(readerGrants).filteredOn((at) -> at > settled && at < granted).isEmpty();
			assertThat(Duration.ofNanos(granted - asked)).as("the writer's wait").isLessThan(Duration.ofSeconds(1));
			writer.unlock();
		}
		finally {
			stop.set(true);
			for (Future<?> reader : running) {
				reader.get(10, TimeUnit.SECONDS);
			}
			readers.shutdown();
		}
		assertNoResidue();
	}

	@Test
	void anExclusiveTokenExceedsEveryEarlierShareAndPermit() throws Exception {
		LockManager first = process();
		LockManager second = process();
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
		assertNoResidue();
	}

	/** Runs {@code rounds} of {@code body} on {@code threads} threads of each process, concurrently. */
	private static void runOnEach(List<LockManager> processes, int threads, int rounds, Section body)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(processes.size() * threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> running = new ArrayList<>();
		try {
			for (LockManager locks : processes) {
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

	/** What one thread of one process does in one round. */
	@FunctionalInterface
	private interface Section {

		void run(LockManager locks, int thread, int round) throws Exception;

	}

}
