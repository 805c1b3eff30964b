package io.distlock.core;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.distlock.core.spi.LockBackend;

/**
 * Keeps the leases of held locks on the shared scheduler: renews a renewing lease every third of
 * its ttl and marks it lost when renewal is refused or cannot succeed before the lease ends;
 * marks a non-renewing lease lost when it runs out before release. Renewal stops in the same
 * step as release: a released handle's timer is cancelled and a late renewal is owner-checked.
 */
final class LeaseKeeper {

	private final LockBackend backend;

	private final ScheduledExecutorService scheduler;

	private final Executor workers;

	private final Consumer<Acquisition> onLost;

	LeaseKeeper(LockBackend backend, ScheduledExecutorService scheduler, Executor workers,
			Consumer<Acquisition> onLost) {
		this.backend = backend;
		this.scheduler = scheduler;
		this.workers = workers;
		this.onLost = onLost;
	}

	void keep(Acquisition acquisition) {
		LockRequest request = acquisition.request();
		if (request.autoRenew()) {
			scheduleRenewal(acquisition, renewalInterval(request.ttl()));
		}
		else {
			long untilExpiry = acquisition.leaseDeadline() - System.nanoTime();
			schedule(acquisition, untilExpiry, () -> lose(acquisition, "its ttl of " + request.ttl()
					+ " passed before it was released (renewal is off)", null));
		}
	}

	private static long renewalInterval(Duration ttl) {
		return Math.max(1, ttl.toNanos() / 3);
	}

	private void scheduleRenewal(Acquisition acquisition, long delayNanos) {
		schedule(acquisition, delayNanos, () -> renew(acquisition));
	}

	private void schedule(Acquisition acquisition, long delayNanos, Runnable task) {
		if (acquisition.phase() != Acquisition.Phase.HELD) {
			return;
		}
		acquisition.setLeaseTimer(this.scheduler.schedule(() -> this.workers.execute(task), Math.max(0, delayNanos),
				TimeUnit.NANOSECONDS));
		if (acquisition.phase() != Acquisition.Phase.HELD) {
			acquisition.setLeaseTimer(null);
		}
	}

	private void renew(Acquisition acquisition) {
		if (acquisition.phase() != Acquisition.Phase.HELD) {
			return;
		}
		LockRequest request = acquisition.request();
		long sentAt = System.nanoTime();
		if (acquisition.leaseDeadline() - sentAt <= 0) {
			lose(acquisition, "the lease ran out before it could be renewed", null);
			return;
		}
		try {
			if (this.backend.renew(request.key(), acquisition.leaseOwner(), request.ttl())) {
				acquisition.renewed(sentAt + request.ttl().toNanos());
				scheduleRenewal(acquisition, renewalInterval(request.ttl()));
			}
			else if (acquisition.phase() == Acquisition.Phase.HELD) {
				lose(acquisition, "renewal was refused: the lock expired or another owner holds it", null);
			}
		}
		catch (RuntimeException ex) {
			retryRenewal(acquisition, ex);
		}
	}

	private void retryRenewal(Acquisition acquisition, RuntimeException failure) {
		long remaining = acquisition.leaseDeadline() - System.nanoTime();
		long retryIn = Math.min(renewalInterval(acquisition.request().ttl()) / 3, remaining / 2);
		if (retryIn < TimeUnit.MILLISECONDS.toNanos(1)) {
			lose(acquisition, "renewal failed until the lease ran out: " + failure, failure);
			return;
		}
		scheduleRenewal(acquisition, retryIn);
	}

	void lose(Acquisition acquisition, String reason, @Nullable Throwable cause) {
		if (acquisition.markLost(reason, cause)) {
			this.onLost.accept(acquisition);
		}
	}

}
