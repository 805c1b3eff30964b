package io.distlock.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.LockHolder;

/**
 * The threads of the held-locks scenario: each takes its share of the keys one after another,
 * keeps the leases until told to let go, then checks and releases each on the thread that took
 * it (Redisson's locks are bound to it).
 */
final class HoldingThreads {

	/** What the names of the holding threads start with. */
	static final String PREFIX = "bench-hold-";

	private final List<Holder> holders = new ArrayList<>();

	private final CountDownLatch taken;

	private final CountDownLatch release = new CountDownLatch(1);

	private HoldingThreads(LockHolder library, List<String> keys, int threads) {
		this.taken = new CountDownLatch(threads);
		for (int t = 0; t < threads; t++) {
			List<String> share = new ArrayList<>();
			for (int i = t; i < keys.size(); i += threads) {
				share.add(keys.get(i));
			}
			this.holders.add(new Holder(library, share, PREFIX + t));
		}
	}

	/**
	 * Starts {@code threads} threads and returns once every key is taken (or failed).
	 * @throws IllegalStateException if taking them all takes longer than {@code timeout}
	 */
	static HoldingThreads take(LockHolder library, List<String> keys, int threads, Duration timeout) {
		HoldingThreads holding = new HoldingThreads(library, keys, threads);
		holding.holders.forEach((holder) -> holder.thread.start());
		if (!await(holding.taken, timeout)) {
			holding.release.countDown();
			throw new IllegalStateException(keys.size() + " locks not taken within " + timeout);
		}
		return holding;
	}

	/**
	 * Lets every thread check and release its leases, and waits for them.
	 * @throws IllegalStateException if they take longer than {@code timeout}
	 */
	Outcome release(Duration timeout) {
		this.release.countDown();
		long deadline = System.nanoTime() + timeout.toNanos();
		Outcome total = new Outcome(0, 0, null);
		for (Holder holder : this.holders) {
			try {
				holder.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while releasing the held locks", ex);
			}
			if (holder.thread.isAlive()) {
				throw new IllegalStateException(holder.thread.getName() + " did not release within " + timeout);
			}
			total = new Outcome(total.notHeld + holder.notHeld, total.failures + holder.failures,
					(total.firstFailure != null) ? total.firstFailure : holder.firstFailure);
		}
		return total;
	}

	private static boolean await(CountDownLatch latch, Duration timeout) {
		try {
			return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * What the threads saw: leases no longer held when checked at the end, and failed takes or
	 * releases with the first failure.
	 */
	record Outcome(long notHeld, long failures, @Nullable String firstFailure) {

	}

	private final class Holder implements Runnable {

		private final LockHolder library;

		private final List<String> keys;

		private final Thread thread;

		private long notHeld;

		private long failures;

		private @Nullable String firstFailure;

		Holder(LockHolder library, List<String> keys, String name) {
			this.library = library;
			this.keys = keys;
			this.thread = new Thread(this, name);
			this.thread.setDaemon(true);
		}

		@Override
		public void run() {
			List<LockHolder.Lease> leases = new ArrayList<>(this.keys.size());
			try {
				for (String key : this.keys) {
					try {
						leases.add(this.library.take(key));
					}
					catch (RuntimeException ex) {
						fail(ex);
					}
				}
			}
			finally {
				HoldingThreads.this.taken.countDown();
			}
			while (!await(HoldingThreads.this.release, Duration.ofMinutes(10))) {
				Thread.interrupted();
			}
			for (LockHolder.Lease lease : leases) {
				try {
					if (lease.held()) {
						lease.release();
					}
					else {
						this.notHeld++;
					}
				}
				catch (RuntimeException ex) {
					fail(ex);
				}
			}
		}

		private void fail(RuntimeException ex) {
			this.failures++;
			if (this.firstFailure == null) {
				this.firstFailure = ex.toString();
			}
		}

	}

}
