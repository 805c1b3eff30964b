package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.RenewalOutcome;

/**
 * Keeps the leases of held locks: renews a renewing lease every third of its ttl, the leases due
 * together in one batch (one {@link LockBackend#renewAll} call), and has the lane mark a lease
 * lost when its renewal is refused, cannot succeed before the lease ends, or cannot even be
 * scheduled; marks a non-renewing lease lost when it runs out before release. All leases share
 * one {@link LeaseSchedule}, never a timer or thread per lock. Renewal stops in the same step as
 * release, and a late renewal is owner-checked by the backend.
 */
final class LeaseKeeper {

	/** Why a lease an operator released by force is lost. */
	static final String EVICTED = "an operator released the lock by force";

	private final LockBackend backend;

	private final EngineThreads threads;

	private final LeaseSchedule schedule;

	LeaseKeeper(LockBackend backend, EngineThreads threads) {
		this.backend = backend;
		this.threads = threads;
		this.schedule = new LeaseSchedule(threads, this::due);
	}

	void keep(Acquisition holder) {
		RequestState state = holder.state();
		if (state.request().autoRenew()) {
			this.schedule.add(holder, System.nanoTime() + renewalInterval(state.request().ttl()), true);
		}
		else {
			this.schedule.add(holder, state.leaseDeadline(), false);
		}
	}

	void stop(Acquisition holder) {
		this.schedule.remove(holder);
	}

	private static long renewalInterval(Duration ttl) {
		return Math.max(1, ttl.toNanos() / 3);
	}

	/**
	 * Called on the timer with the leases now due: expiries are lost at once, renewals go to a
	 * worker as one batch.
	 */
	private void due(List<Acquisition> renewals, List<Acquisition> expiries) {
		for (Acquisition holder : expiries) {
			lose(holder, "its ttl of " + holder.request().ttl() + " passed before it was released (renewal is off)",
					null);
		}
		if (renewals.isEmpty()) {
			return;
		}
		try {
			this.threads.work(() -> renew(renewals));
		}
		catch (RejectedExecutionException ex) {
			for (Acquisition holder : renewals) {
				lose(holder, "its renewal could not be scheduled: " + ex.getMessage(), ex);
			}
		}
	}

	private void renew(List<Acquisition> due) {
		long sentAt = System.nanoTime();
		List<Acquisition> holders = new ArrayList<>(due.size());
		List<LockBackend.Renewal> renewals = new ArrayList<>(due.size());
		for (Acquisition holder : due) {
			RequestState state = holder.state();
			if (!state.isHeldPhase()) {
				continue;
			}
			if (state.leaseDeadline() - sentAt <= 0) {
				lose(holder, "the lease ran out before it could be renewed", null);
				continue;
			}
			holders.add(holder);
			renewals.add(new LockBackend.Renewal(state.request().key(), state.leaseOwner(), state.request().ttl()));
		}
		if (renewals.isEmpty()) {
			return;
		}
		List<RenewalOutcome> outcomes;
		try {
			outcomes = this.backend.renewAll(renewals);
		}
		catch (RuntimeException ex) {
			holders.forEach((holder) -> retry(holder, ex));
			return;
		}
		for (int i = 0; i < holders.size(); i++) {
			Acquisition holder = holders.get(i);
			switch (outcomes.get(i)) {
				case RENEWED -> {
					Duration ttl = holder.request().ttl();
					holder.state().renewed(sentAt + ttl.toNanos());
					this.schedule.add(holder, System.nanoTime() + renewalInterval(ttl), true);
				}
				case REFUSED -> lose(holder, "renewal was refused: the lock expired or another owner holds it", null);
				case EVICTED -> lose(holder, EVICTED, null);
				case UNACKNOWLEDGED -> retry(holder,
						new LockException("too few replicas acknowledged the renewal of lock '" + holder.key() + "'"));
			}
		}
	}

	private void retry(Acquisition holder, RuntimeException failure) {
		long remaining = holder.state().leaseDeadline() - System.nanoTime();
		long retryIn = Math.min(renewalInterval(holder.request().ttl()) / 3, remaining / 2);
		if (retryIn < TimeUnit.MILLISECONDS.toNanos(1)) {
			lose(holder, "renewal failed until the lease ran out: " + failure.getMessage(), failure);
			return;
		}
		this.schedule.add(holder, System.nanoTime() + retryIn, true);
	}

	private static void lose(Acquisition holder, String reason, @Nullable Throwable cause) {
		KeyLane lane = holder.lane();
		if (lane != null) {
			lane.releases().lose(holder, reason, cause);
		}
	}

}
