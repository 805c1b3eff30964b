package io.distlock.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.LockAdapter;

/**
 * Threads that lock, run a critical section (by default a tiny witnessed one) and unlock, as fast
 * as they can, from a common start until a deadline; each records how long every cycle took and
 * how long it waited for the lock.
 */
final class LoadLoop {

	private static final long GRACE_NANOS = LockAdapter.WAIT.toNanos() + TimeUnit.SECONDS.toNanos(10);

	/** How long after the call threads start, so that they start together. */
	private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private LoadLoop() {
	}

	/**
	 * Which key a thread locks next, and which witness slot stands for it.
	 */
	interface Keys {

		String key(int thread, long iteration);

		int slot(int thread);

		/**
		 * Fresh keys, distinct per thread: no two threads ever contend.
		 */
		static Keys fresh(String prefix) {
			return new Keys() {

				@Override
				public String key(int thread, long iteration) {
					return prefix + thread + ":" + iteration;
				}

				@Override
				public int slot(int thread) {
					return thread % SharedMemory.SLOTS;
				}

			};
		}

		/**
		 * One key for every thread.
		 */
		static Keys single(String key) {
			return new Keys() {

				@Override
				public String key(int thread, long iteration) {
					return key;
				}

				@Override
				public int slot(int thread) {
					return 0;
				}

			};
		}

	}

	/**
	 * One thread's cycle: lock, critical section, unlock.
	 */
	interface Cycle {

		/**
		 * Locks, runs the critical section and unlocks.
		 * @param iteration how many cycles this thread started before
		 * @return {@link System#nanoTime()} when the critical section was entered
		 * @throws RuntimeException if the lock could not be acquired or released
		 */
		long run(long iteration);

	}

	static Result run(LockAdapter adapter, int threads, Keys keys, Occupancy witness, long startAt, long endAt) {
		return run(threads, (thread) -> new Section(adapter, keys, thread, witness), startAt, endAt);
	}

	/**
	 * Runs {@code threads} threads, each on the cycle {@code cycles} makes for its index, for
	 * {@code windowNanos} from a common start shortly after the call.
	 */
	static Result runFor(int threads, IntFunction<Cycle> cycles, long windowNanos) {
		long startAt = System.nanoTime() + START_DELAY_NANOS;
		return run(threads, cycles, startAt, startAt + windowNanos);
	}

	/**
	 * Runs {@code threads} threads, each on the cycle {@code cycles} makes for its index.
	 */
	static Result run(int threads, IntFunction<Cycle> cycles, long startAt, long endAt) {
		List<Runner> runners = new ArrayList<>(threads);
		for (int t = 0; t < threads; t++) {
			Runner runner = new Runner(cycles.apply(t), t, startAt, endAt);
			runners.add(runner);
			runner.thread.start();
		}
		Result total = Result.EMPTY;
		for (Runner runner : runners) {
			total = total.merge(runner.await(endAt + GRACE_NANOS));
		}
		return total;
	}

	/**
	 * What threads did: operations completed, when the first started and the last finished,
	 * the cycle and wait times, and failed operations with the first failure's message.
	 */
	record Result(long operations, long startedAt, long finishedAt, Samples cycles, Samples waits, long failures,
			@Nullable String firstFailure) {

		static final Result EMPTY = new Result(0, Long.MAX_VALUE, Long.MIN_VALUE, new Samples(), new Samples(), 0,
				null);

		double perSecond() {
			long elapsed = this.finishedAt - this.startedAt;
			return (elapsed > 0) ? this.operations * 1e9 / elapsed : 0;
		}

		Result merge(Result other) {
			Samples mergedCycles = new Samples();
			mergedCycles.addAll(this.cycles);
			mergedCycles.addAll(other.cycles);
			Samples mergedWaits = new Samples();
			mergedWaits.addAll(this.waits);
			mergedWaits.addAll(other.waits);
			return new Result(this.operations + other.operations, Math.min(this.startedAt, other.startedAt),
					Math.max(this.finishedAt, other.finishedAt), mergedCycles, mergedWaits,
					this.failures + other.failures, (this.firstFailure != null) ? this.firstFailure : other.firstFailure);
		}

	}

	/**
	 * A cycle on one key whose critical section is witnessed, nothing else; notes when it was
	 * entered.
	 */
	private static final class Section implements Cycle, Runnable {

		private final LockAdapter adapter;

		private final Keys keys;

		private final int thread;

		private final Occupancy witness;

		private final int slot;

		private long enteredAt;

		Section(LockAdapter adapter, Keys keys, int thread, Occupancy witness) {
			this.adapter = adapter;
			this.keys = keys;
			this.thread = thread;
			this.witness = witness;
			this.slot = keys.slot(thread);
		}

		@Override
		public long run(long iteration) {
			this.adapter.runLocked(this.keys.key(this.thread, iteration), this);
			return this.enteredAt;
		}

		@Override
		public void run() {
			this.enteredAt = System.nanoTime();
			this.witness.enter(this.slot);
			this.witness.exit(this.slot);
		}

	}

	private static final class Runner implements Runnable {

		private final Cycle cycle;

		private final long startAt;

		private final long endAt;

		private final Thread thread;

		private final Samples cycles = new Samples();

		private final Samples waits = new Samples();

		private long operations;

		private long failures;

		private @Nullable String firstFailure;

		private long finishedAt;

		Runner(Cycle cycle, int index, long startAt, long endAt) {
			this.cycle = cycle;
			this.startAt = startAt;
			this.endAt = endAt;
			this.thread = new Thread(this, "bench-load-" + index);
			this.thread.setDaemon(true);
		}

		@Override
		public void run() {
			for (long now = System.nanoTime(); now - this.startAt < 0; now = System.nanoTime()) {
				LockSupport.parkNanos(this.startAt - now);
			}
			long iteration = 0;
			while (System.nanoTime() - this.endAt < 0) {
				long begin = System.nanoTime();
				long enteredAt;
				try {
					enteredAt = this.cycle.run(iteration++);
				}
				catch (RuntimeException ex) {
					this.failures++;
					if (this.firstFailure == null) {
						this.firstFailure = ex.toString();
					}
					continue;
				}
				long end = System.nanoTime();
				this.cycles.add(end - begin);
				this.waits.add(enteredAt - begin);
				this.operations++;
			}
			this.finishedAt = System.nanoTime();
		}

		Result await(long deadline) {
			try {
				this.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (this.thread.isAlive()) {
				return new Result(0, this.startAt, System.nanoTime(), new Samples(), new Samples(), 1,
						this.thread.getName() + " never finished its last operation");
			}
			return new Result(this.operations, this.startAt, this.finishedAt, this.cycles, this.waits, this.failures,
					this.firstFailure);
		}

	}

}
