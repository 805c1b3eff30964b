package io.distlock.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * When each held lease is next due (for renewal or for expiry), ordered in one set, with a single
 * timer task armed for the earliest. When it fires, every lease due within
 * {@link #BATCH_WINDOW_NANOS} of now is handed on in one call, so leases due together are renewed
 * together. A lease taken out of the schedule (released or lost) is removed at once, so the
 * schedule holds only held leases.
 */
final class LeaseSchedule {

	/** Leases due this close together are renewed in one batch; renewing a little early is safe. */
	static final long BATCH_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final EngineThreads threads;

	private final BiConsumer<List<Acquisition>, List<Acquisition>> onDue;

	private final ConcurrentSkipListSet<Due> due = new ConcurrentSkipListSet<>();

	private final AtomicLong sequence = new AtomicLong();

	private final Object tickLock = new Object();

	private @Nullable ScheduledFuture<?> tick;

	private long tickAt = Long.MAX_VALUE;

	/**
	 * @param onDue takes the leases due now: renewals, then expiries; runs on the timer thread
	 */
	LeaseSchedule(EngineThreads threads, BiConsumer<List<Acquisition>, List<Acquisition>> onDue) {
		this.threads = threads;
		this.onDue = onDue;
	}

	/**
	 * Schedules {@code holder}'s lease for {@code atNanos}, replacing what was scheduled for it.
	 * @param renew whether it is due for renewal, else for expiry
	 * @throws RejectedExecutionException if no timer could be armed (the engine is closed)
	 */
	void add(Acquisition holder, long atNanos, boolean renew) {
		if (!holder.state().isHeldPhase()) {
			return;
		}
		Due entry = new Due(holder, atNanos, renew, this.sequence.incrementAndGet());
		Due previous = holder.swapLeaseDue(entry);
		if (previous != null) {
			this.due.remove(previous);
		}
		this.due.add(entry);
		if (!holder.state().isHeldPhase()) {
			// Released meanwhile, maybe before the swap: make sure nothing stays scheduled.
			remove(holder);
			return;
		}
		armTick(atNanos);
	}

	void remove(Acquisition holder) {
		Due previous = holder.swapLeaseDue(null);
		if (previous != null) {
			this.due.remove(previous);
		}
	}

	private void armTick(long atNanos) {
		synchronized (this.tickLock) {
			if (this.tick != null && this.tickAt <= atNanos) {
				return;
			}
			if (this.tick != null) {
				this.tick.cancel(false);
			}
			this.tickAt = atNanos;
			this.tick = this.threads.timer()
				.schedule(this::fire, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
	}

	private void fire() {
		synchronized (this.tickLock) {
			this.tick = null;
			this.tickAt = Long.MAX_VALUE;
		}
		long horizon = System.nanoTime() + BATCH_WINDOW_NANOS;
		List<Acquisition> renewals = new ArrayList<>();
		List<Acquisition> expiries = new ArrayList<>();
		Due next;
		while ((next = this.due.pollFirst()) != null) {
			if (next.atNanos - horizon > 0) {
				this.due.add(next);
				break;
			}
			if (next.holder.clearLeaseDue(next) && next.holder.state().isHeldPhase()) {
				(next.renew ? renewals : expiries).add(next.holder);
			}
		}
		try {
			this.onDue.accept(renewals, expiries);
		}
		finally {
			// Iterating, not first(): a concurrent removal may empty the set in between.
			for (Due earliest : this.due) {
				armTick(earliest.atNanos);
				break;
			}
		}
	}

	/**
	 * One lease's next due time; ordered by time, then by when it was scheduled.
	 */
	static final class Due implements Comparable<Due> {

		final Acquisition holder;

		final long atNanos;

		final boolean renew;

		private final long sequence;

		Due(Acquisition holder, long atNanos, boolean renew, long sequence) {
			this.holder = holder;
			this.atNanos = atNanos;
			this.renew = renew;
			this.sequence = sequence;
		}

		@Override
		public int compareTo(Due other) {
			int byTime = Long.compare(this.atNanos - other.atNanos, 0);
			return (byTime != 0) ? byTime : Long.compare(this.sequence, other.sequence);
		}

	}

}
