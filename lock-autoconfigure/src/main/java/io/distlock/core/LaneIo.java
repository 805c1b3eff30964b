package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distlock.core.spi.AcquireOutcome;
import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.ReleaseOutcome;
import io.distlock.core.spi.ReleaseWatch;

/**
 * Carries out what the lanes decide: backend attempts and releases, on the thread that waits for
 * them or on a worker, timers on the timer thread, and lease keeping. Every backend answer goes
 * back to its lane as an event; nothing here decides who holds a key.
 */
final class LaneIo implements LaneActions {

	private static final Logger logger = LoggerFactory.getLogger(QueuedLockManager.class);

	private final LockBackend backend;

	private final LockSettings settings;

	private final EngineThreads threads;

	private final LeaseKeeper leases;

	private final Backoff backoff;

	private final Map<String, KeyLane> lanes;

	private final boolean inMemoryHandOffs;

	LaneIo(LockBackend backend, LockSettings settings, EngineThreads threads, Map<String, KeyLane> lanes) {
		this.backend = backend;
		this.settings = settings;
		this.threads = threads;
		this.lanes = lanes;
		this.leases = new LeaseKeeper(backend, threads);
		this.backoff = new Backoff(settings.retryInitialInterval(), settings.retryMaxInterval());
		this.inMemoryHandOffs = backend.handsOffInMemory() && !settings.localHandOffWindow().isZero()
				&& settings.maxLocalHandOffs() > 0;
	}

	/**
	 * One attempt of the front, on the calling thread, its answer fed back to the lane; on its
	 * first attempt together with its {@link Acquisition#attemptWith companions}.
	 */
	void attempt(KeyLane lane, Acquisition front) {
		List<Acquisition> companions = front.takeCompanions();
		boolean begun = lane.beginAttempt(front);
		boolean inOrder = begun;
		List<Acquisition> together = new ArrayList<>(companions.size() + 1);
		together.add(front);
		for (Acquisition companion : companions) {
			// Each key only after the ones before it: one that cannot attempt now ends the run there.
			inOrder = inOrder && lane(companion).beginAttempt(companion);
			if (inOrder) {
				together.add(companion);
			}
			else {
				endUnattempted(List.of(companion));
			}
		}
		if (!begun) {
			return;
		}
		RequestState state = front.state();
		long sentAt = System.nanoTime();
		Duration waitRemaining = Duration.ofNanos(Math.max(0, state.deadline() - sentAt));
		List<AcquireOutcome> outcomes;
		try {
			outcomes = (together.size() == 1) ? List.of(this.backend.tryAcquire(attemptOf(front), waitRemaining))
					: this.backend.tryAcquireAll(attempts(together), waitRemaining);
		}
		catch (RuntimeException ex) {
			lane.failed(front, ex);
			together.subList(1, together.size()).forEach((companion) -> lane(companion).withdrawn(companion, ex));
			return;
		}
		answer(together, outcomes, sentAt);
	}

	/**
	 * Feeds each answer back: a grant that came after its ttl counts as a failure (for the keys
	 * after the front too, which then go back rather than be held out of order), and keys after
	 * the last answer were not tried.
	 */
	private void answer(List<Acquisition> together, List<AcquireOutcome> outcomes, long sentAt) {
		RuntimeException late = null;
		for (int i = 0; i < together.size(); i++) {
			Acquisition acquisition = together.get(i);
			KeyLane lane = lane(acquisition);
			LockRequest request = acquisition.request();
			AcquireOutcome outcome = (i < outcomes.size()) ? outcomes.get(i) : null;
			if (outcome != null && outcome.acquired() && late == null
					&& System.nanoTime() - sentAt >= request.ttl().toNanos()) {
				// The lease may have expired before its grant arrived, so no one may rely on it; the next
				// attempt, by the same owner, takes it again with a fresh lease if it is still there.
				late = new LockException("The grant of lock '" + request.key() + "' arrived after its ttl of "
						+ request.ttl() + " had passed");
			}
			if (outcome == null) {
				lane.withdrawn(acquisition, null);
			}
			else if (late != null) {
				if (i == 0) {
					lane.failed(acquisition, late);
				}
				else {
					lane.withdrawn(acquisition, outcome.acquired() ? late : null);
				}
			}
			else if (outcome.acquired()) {
				lane.granted(acquisition, outcome.fencingToken(), sentAt);
			}
			else {
				lane.busy(acquisition, outcome.retryAfter());
			}
		}
	}

	/** Ends companions that did not attempt, so the next requests of their keys move up. */
	private static void endUnattempted(List<Acquisition> companions) {
		companions.forEach((companion) -> lane(companion).end(companion, LockStatus.CANCELLED, false));
	}

	private static List<LockBackend.Attempt> attempts(List<Acquisition> together) {
		List<LockBackend.Attempt> attempts = new ArrayList<>(together.size());
		for (Acquisition acquisition : together) {
			attempts.add(attemptOf(acquisition));
		}
		return attempts;
	}

	private static LockBackend.Attempt attemptOf(Acquisition acquisition) {
		LockRequest request = acquisition.request();
		return new LockBackend.Attempt(request.key(), acquisition.state().owner(), request.ttl(), request.name(),
				request.mode(), request.permits());
	}

	private static KeyLane lane(Acquisition acquisition) {
		return Objects.requireNonNull(acquisition.lane(), "a companion has joined its lane");
	}

	@Override
	public void dispatch(KeyLane lane, Acquisition front) {
		if (front.offerAttempt()) {
			return;
		}
		try {
			this.threads.work(() -> {
				if (front.takePendingAttempt()) {
					attempt(lane, front);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			if (front.takePendingAttempt()) {
				lane.couldNotAttempt(front, new LockException("No lock worker could take the attempt for lock '"
						+ lane.key + "': " + ex.getMessage(), ex));
				endUnattempted(front.takeCompanions());
			}
		}
	}

	/**
	 * Releases {@code holder}'s lock in the backend, offering it to {@code next}.
	 * @param byHolder whether the holder's own unlock asks, which then hears of a failure
	 */
	void release(KeyLane lane, Acquisition holder, @Nullable Acquisition next, boolean byHolder) {
		RequestState state = holder.state();
		long sentAt = System.nanoTime();
		ReleaseOutcome outcome;
		// A holder may unlock on an interrupted thread (an interrupt after the grant keeps the lock):
		// the release must still reach the backend, and the flag is set again afterwards.
		boolean interrupted = Thread.interrupted();
		try {
			outcome = this.backend.release(lane.key, state.leaseOwner(), state.token(),
					(next != null) ? new LockBackend.HandOff(next.state().owner(), next.request().ttl()) : null);
		}
		catch (RuntimeException ex) {
			restoreInterrupt(interrupted);
			lane.releases().releaseEnded(next);
			releaseUnknown(holder);
			if (byHolder) {
				throw new LockException("Could not release lock '" + lane.key + "'; it expires within its ttl", ex);
			}
			logger.debug("Could not give back lock '{}'; it expires within its ttl", lane.key, ex);
			return;
		}
		restoreInterrupt(interrupted);
		lane.releases().released(holder, next, outcome, sentAt, byHolder);
	}

	private static void restoreInterrupt(boolean interrupted) {
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Lets the released lock's lease run on for {@code delay}, without renewal, then moves the
	 * lane on.
	 */
	void keepUntil(KeyLane lane, Acquisition holder, Duration delay) {
		RuntimeException failure = null;
		boolean interrupted = Thread.interrupted();
		try {
			if (!this.backend.renew(lane.key, holder.state().leaseOwner(), delay)) {
				holder.state().reportLostBeforeRelease();
			}
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		restoreInterrupt(interrupted);
		lane.releases().releaseEnded(null);
		if (failure != null) {
			throw new LockException("Could not keep lock '" + lane.key + "' for " + delay + "; it expires within its ttl",
					failure);
		}
	}

	@Override
	public void giveBack(KeyLane lane, Acquisition holder, @Nullable Acquisition next) {
		inBackground(() -> release(lane, holder, next, false));
	}

	@Override
	public void releaseUnknown(Acquisition acquisition) {
		inBackground(() -> releaseUnknown(acquisition, 0));
	}

	private void releaseUnknown(Acquisition acquisition, int retry) {
		RequestState state = acquisition.state();
		try {
			this.backend.release(state.request().key(), state.leaseOwner(), 0, null);
		}
		catch (RuntimeException ex) {
			long delay = this.backoff.delayNanos(retry);
			if (Duration.ofNanos(delay * (retry + 1L)).compareTo(state.request().ttl()) > 0) {
				logger.debug("Gave up releasing lock '{}' after an attempt with unknown outcome; it expires "
						+ "within its ttl", state.request().key(), ex);
				return;
			}
			try {
				this.threads.timer()
					.schedule(() -> inBackground(() -> releaseUnknown(acquisition, retry + 1)), delay,
							TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException closed) {
				logger.debug("Lock manager closed before lock '{}' could be released; it expires within its ttl",
						state.request().key(), ex);
			}
		}
	}

	/**
	 * Runs a backend call on a worker; when none can take it (the engine is closing, or the queue
	 * is full), on this thread, unless this is the timer, which never blocks: the lock then
	 * expires within its ttl.
	 */
	private void inBackground(Runnable call) {
		try {
			this.threads.work(call);
		}
		catch (RejectedExecutionException ex) {
			if (EngineThreads.onTimerThread()) {
				logger.debug("No lock worker could take a release; the lock expires within its ttl", ex);
			}
			else {
				call.run();
			}
		}
	}

	@Override
	public void keep(Acquisition holder) {
		this.leases.keep(holder);
	}

	@Override
	public void stopLease(Acquisition holder) {
		this.leases.stop(holder);
	}

	@Override
	public ScheduledFuture<?> retryIn(KeyLane lane, long delayNanos) {
		return this.threads.timer().schedule(lane::wake, delayNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void armDeadline(KeyLane lane, Acquisition acquisition) {
		if (acquisition.deadlineArmed()) {
			return;
		}
		long wait = acquisition.state().remainingWait();
		acquisition.armWaitDeadline(
				this.threads.timer().schedule(() -> lane.expire(acquisition), wait, TimeUnit.NANOSECONDS));
	}

	@Override
	public void openWatch(KeyLane lane) {
		ReleaseWatch watch;
		try {
			watch = this.backend.watch(lane.key, lane::wake);
		}
		catch (RuntimeException ex) {
			// Without notifications the retry back-off still bounds the wait.
			logger.debug("Could not watch lock '{}' for releases", lane.key, ex);
			lane.watchOpened(null);
			return;
		}
		lane.watchOpened(watch);
		watch.ready().thenRun(lane::wake);
	}

	@Override
	public void retired(KeyLane lane, boolean waiterRecorded) {
		this.lanes.remove(lane.laneKey, lane);
		if (waiterRecorded) {
			try {
				this.threads.work(() -> abandon(lane.key));
			}
			catch (RejectedExecutionException ex) {
				logger.debug("Could not withdraw this process's wait for lock '{}'; it expires with the wait",
						lane.key);
			}
		}
	}

	private void abandon(String key) {
		try {
			this.backend.abandon(key);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not withdraw this process's wait for lock '{}'; it expires with the wait", key, ex);
		}
	}

	/**
	 * Yes when the backend allows it, the lease is young enough (within the window and a third of
	 * its ttl, so at least two thirds of it remain) and has not been handed on too often, and
	 * {@code next} asks for the same lease.
	 */
	@Override
	public boolean mayHandOffInMemory(RequestState holder, RequestState next) {
		if (!this.inMemoryHandOffs || holder.turnHandOffs() >= this.settings.maxLocalHandOffs()) {
			return false;
		}
		LockRequest held = holder.request();
		LockRequest wanted = next.request();
		if (!held.ttl().equals(wanted.ttl()) || held.autoRenew() != wanted.autoRenew()) {
			return false;
		}
		long window = Math.min(this.settings.localHandOffWindow().toNanos(), held.ttl().toNanos() / 3);
		return System.nanoTime() - holder.turnStartedAt() < window;
	}

	@Override
	public boolean backendExpiresLocks() {
		return this.backend.expiresLocks();
	}

	@Override
	public long backoffNanos(int retry) {
		return this.backoff.delayNanos(retry);
	}

}
