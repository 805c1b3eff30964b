package io.distlock.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.adapter.LockAdapter;
import io.distlock.benchmarks.adapter.LockKind;

/**
 * Scenarios 10a to 10c: threads of this JVM on one key, taking it as a lock kind other than a
 * mutex (readers only; nine readers to one writer; one of a few permits), for the libraries with
 * lock kinds. In the readers' scenario the raw floor takes a mutex on a fresh key of each
 * thread's own instead, as in scenario 2: what a reader that never waits could at best cost.
 * Witnessed by {@link Holders}.
 */
final class LockKindScenario implements Scenario {

	/** Permits of scenario 10c. */
	static final int PERMITS = 4;

	/** Of every this many operations of a thread in scenario 10b, one is a writer's. */
	static final int OPERATIONS_PER_WRITE = 10;

	/** What the load run gives; per thread and most inside come from the scenario and witness. */
	private static final List<Metric> TIMED = List.of(Metric.OPS_PER_SECOND, Metric.CYCLE_P50, Metric.CYCLE_P99,
			Metric.WAIT_MAX);

	private static final List<Metric> METRICS = List.of(Metric.OPS_PER_SECOND, Metric.OPS_PER_THREAD,
			Metric.CYCLE_P50, Metric.CYCLE_P99, Metric.WAIT_MAX, Metric.MOST_INSIDE);

	/** Where readers and writers share the key, also each side's waits. */
	private static final List<Metric> MIXED_METRICS = List.of(Metric.OPS_PER_SECOND, Metric.OPS_PER_THREAD,
			Metric.CYCLE_P50, Metric.CYCLE_P99, Metric.READER_WAIT_P99, Metric.WRITER_WAIT_P99, Metric.WAIT_MAX,
			Metric.MOST_INSIDE);

	private static final String WITNESS = " The critical section only enters and leaves a witness that counts "
			+ "readers and exclusive holders inside apart (a reader beside an exclusive holder, or more exclusive "
			+ "holders than permits, is a violation); *most inside at once* is the most it saw, worst round. Latency "
			+ "is of the whole lock + unlock cycle, the wait from calling lock to holding it.";

	private final String title;

	private final String workload;

	private final List<Metric> metrics;

	private final int threads;

	private final Mix mix;

	private final String redisson;

	/** The floor's stand-in, or {@code null} when the floor has nothing to compare. */
	private final @Nullable LocalLoadScenario floor;

	private LockKindScenario(String title, String workload, List<Metric> metrics, int threads, Mix mix,
			String redisson, @Nullable LocalLoadScenario floor) {
		this.title = title;
		this.workload = workload;
		this.metrics = metrics;
		this.threads = threads;
		this.mix = mix;
		this.redisson = redisson;
		this.floor = floor;
	}

	/**
	 * Scenarios 10a to 10c, each with {@code threads} threads.
	 */
	static List<LockKindScenario> all(int threads) {
		return List.of(readers(threads), readersAndWriters(threads), permits(threads));
	}

	private static LockKindScenario readers(int threads) {
		return new LockKindScenario("10a. Readers only",
				threads + " threads in one JVM on one key, every operation a reader (distlock "
						+ "`withMode(LockMode.SHARED)`, Redisson `getReadWriteLock(key).readLock()`); the raw floor "
						+ "takes a mutex on a fresh key of each thread's own instead, as in scenario 2, what a reader "
						+ "that never waits could at best cost." + WITNESS,
				METRICS, threads, (thread, iteration) -> LockKind.SHARED, "Redisson RReadWriteLock, read lock",
				LocalLoadScenario.parallel(threads));
	}

	private static LockKindScenario readersAndWriters(int threads) {
		return new LockKindScenario("10b. Readers and writers, 90/10",
				String.format(Locale.ROOT, "%d threads in one JVM on one key; every %dth operation of each thread "
						+ "(offset by the thread's index) is a writer (distlock `EXCLUSIVE`, Redisson the write lock "
						+ "of the key's `RReadWriteLock`), the others readers (`SHARED`, its read lock); the readers' "
						+ "and the writers' waits are also shown apart.", threads,
						OPERATIONS_PER_WRITE) + WITNESS,
				MIXED_METRICS, threads, (thread, iteration) -> ((thread + iteration) % OPERATIONS_PER_WRITE == 0)
						? LockKind.EXCLUSIVE : LockKind.SHARED,
				"Redisson RReadWriteLock", null);
	}

	private static LockKindScenario permits(int threads) {
		LockKind permit = LockKind.permits(PERMITS);
		return new LockKindScenario("10c. " + PERMITS + " permits",
				String.format(Locale.ROOT, "%d threads in one JVM on one key of %d permits (distlock "
						+ "`withPermits(%d)`; Redisson an `RPermitExpirableSemaphore` given %d permits once, then "
						+ "`tryAcquire(wait, lease, unit)` and `release(permitId)`).", threads, PERMITS, PERMITS,
						PERMITS) + WITNESS,
				METRICS, threads, (thread, iteration) -> permit, "Redisson RPermitExpirableSemaphore", null);
	}

	@Override
	public String title() {
		return this.title;
	}

	@Override
	public String workload() {
		return this.workload;
	}

	@Override
	public List<Metric> metrics() {
		return this.metrics;
	}

	@Override
	public String label(Library library) {
		return switch (library) {
			case REDISSON -> this.redisson;
			case FLOOR -> library.label() + ", a mutex per thread";
			default -> library.label();
		};
	}

	@Override
	public boolean runs(Library library) {
		return library.hasLockKinds() || (library == Library.FLOOR && this.floor != null);
	}

	@Override
	public Measurement measure(Library library, Lab lab) {
		long window = lab.settings().window().toNanos();
		if (library == Library.FLOOR && this.floor != null) {
			Occupancy witness = lab.localWitness();
			return measured(this.floor.run(library, lab, witness, window), witness.violations())
				.with(Metric.MOST_INSIDE, Double.NaN);
		}
		String key = lab.keyspace(library, "kinds") + "hot";
		LockAdapter adapter = lab.adapter(library);
		Holders holders = new Holders();
		// Made one after another on this thread before any runs; read after every one has ended.
		List<KindCycle> cycles = new ArrayList<>(this.threads);
		LoadLoop.Result result = LoadLoop.runFor(this.threads, (thread) -> {
			KindCycle cycle = new KindCycle(adapter, key, thread, this.mix, holders);
			cycles.add(cycle);
			return cycle;
		}, window);
		Measurement measurement = measured(result, holders.violations()).with(Metric.MOST_INSIDE, holders.most());
		if (this.metrics.contains(Metric.READER_WAIT_P99)) {
			Samples readers = new Samples();
			Samples writers = new Samples();
			cycles.forEach((cycle) -> {
				readers.addAll(cycle.readerWaits);
				writers.addAll(cycle.writerWaits);
			});
			measurement = measurement.with(Metric.READER_WAIT_P99, Metric.READER_WAIT_P99.ofWaits(readers))
				.with(Metric.WRITER_WAIT_P99, Metric.WRITER_WAIT_P99.ofWaits(writers));
		}
		return measurement;
	}

	private Measurement measured(LoadLoop.Result result, long violations) {
		return Measurement.of(result, violations, TIMED).with(Metric.OPS_PER_THREAD, result.perSecond() / this.threads);
	}

	/**
	 * Which kind a thread takes the key as in its next operation.
	 */
	@FunctionalInterface
	private interface Mix {

		LockKind kind(int thread, long iteration);

	}

	/**
	 * One thread's operations on the key, each as the kind the mix says, witnessed; keeps the
	 * waits of its readers and of its exclusive holders apart.
	 */
	private static final class KindCycle implements LoadLoop.Cycle, Runnable {

		private final LockAdapter adapter;

		private final String key;

		private final int thread;

		private final Mix mix;

		private final Holders holders;

		private final Samples readerWaits = new Samples();

		private final Samples writerWaits = new Samples();

		private LockKind kind = LockKind.SHARED;

		private long enteredAt;

		KindCycle(LockAdapter adapter, String key, int thread, Mix mix, Holders holders) {
			this.adapter = adapter;
			this.key = key;
			this.thread = thread;
			this.mix = mix;
			this.holders = holders;
		}

		@Override
		public long run(long iteration) {
			this.kind = this.mix.kind(this.thread, iteration);
			long begin = System.nanoTime();
			this.adapter.runLockedAs(this.key, this.kind, this);
			(this.kind.shared() ? this.readerWaits : this.writerWaits).add(this.enteredAt - begin);
			return this.enteredAt;
		}

		@Override
		public void run() {
			this.enteredAt = System.nanoTime();
			this.holders.enter(this.kind);
			this.holders.exit(this.kind);
		}

	}

}
