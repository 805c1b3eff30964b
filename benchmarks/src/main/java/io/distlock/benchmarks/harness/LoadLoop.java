package io.distlock.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.LockAdapter;

/**
 * Threads that lock, run a tiny witnessed critical section and unlock, as fast as they can, from
 * a common start until a deadline; each records how long every cycle took and how long it waited
 * for the lock.
 */
final class LoadLoop {

	private static final long GRACE_NANOS = LockAdapter.WAIT.toNanos() + TimeUnit.SECONDS.toNanos(10);

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

	static Result run(LockAdapter adapter, int threads, Keys keys, Occupancy witness, long startAt, long endAt) {
		List<Runner> runners = new ArrayList<>(threads);
		for (int t = 0; t < threads; t++) {
			Runner runner = new Runner(adapter, keys, t, witness, startAt, endAt);
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
	 * The critical section: witnessed, nothing else; notes when it was entered.
	 */
	private static final class Section implements Runnable {

		private final Occupancy witness;

		private final int slot;

		long enteredAt;

		Section(Occupancy witness, int slot) {
			this.witness = witness;
			this.slot = slot;
		}

		@Override
		public void run() {
			this.enteredAt = System.nanoTime();
			this.witness.enter(this.slot);
			this.witness.exit(this.slot);
		}

	}

	private static final class Runner implements Runnable {

		private final LockAdapter adapter;

		private final Keys keys;

		private final int index;

		private final Section section;

		private final long startAt;

		private final long endAt;

		private final Thread thread;

		private final Samples cycles = new Samples();

		private final Samples waits = new Samples();

		private long operations;

		private long failures;

		private @Nullable String firstFailure;

		private long finishedAt;

		Runner(LockAdapter adapter, Keys keys, int index, Occupancy witness, long startAt, long endAt) {
			this.adapter = adapter;
			this.keys = keys;
			this.index = index;
			this.section = new Section(witness, keys.slot(index));
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
				String key = this.keys.key(this.index, iteration++);
				long begin = System.nanoTime();
				try {
					this.adapter.runLocked(key, this.section);
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
				this.waits.add(this.section.enteredAt - begin);
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
