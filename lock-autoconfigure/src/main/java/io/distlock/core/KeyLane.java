package io.distlock.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import io.distlock.core.spi.ReleaseOutcome;
import io.distlock.core.spi.ReleaseWatch;

/**
 * The state machine of one key in this process, the only place that changes it: the front
 * request (contending alone in the backend, holding the lock, or releasing it) and the FIFO of
 * requests waiting behind it. Every event (attempt answered, release answered, deadline, cancel,
 * wake-up, lease lost) is decided here under one lock, including the phase of the requests it
 * touches, so a race between two events resolves to exactly one outcome. Backend calls and
 * announcements run after the lock is released, as {@link Effects}, and their answers come back
 * as events. Exists while it has requests; once empty it retires and a later request makes a new
 * lane.
 */
final class KeyLane {

	enum State {

		/** New, no request admitted yet. */
		IDLE,
		/** The front waits and may have an attempt in flight. */
		CONTENDING,
		/** The front holds the lock. */
		HELD,
		/** The front's lock is being released, maybe handed to {@link #offered}. */
		RELEASING,
		/** Empty and forgotten. */
		RETIRED

	}

	enum Admission {

		FRONT, QUEUED, REJECTED, RETIRED

	}

	final String key;

	private final LaneActions actions;

	private final ReentrantLock lock = new ReentrantLock();

	private State state = State.IDLE;

	private @Nullable Acquisition front;

	/** While releasing: the waiter the release call may hand the lock to. */
	private @Nullable Acquisition offered;

	private final ArrayDeque<Acquisition> waiting = new ArrayDeque<>();

	private boolean attemptInFlight;

	private boolean wakePending;

	/** Whether the backend may hold a record of this process waiting, made by a busy attempt. */
	private boolean waiterRecorded;

	private int retries;

	private @Nullable ScheduledFuture<?> retryTimer;

	private @Nullable ReleaseWatch watch;

	private boolean watchOpening;

	KeyLane(String key, LaneActions actions) {
		this.key = key;
		this.actions = actions;
	}

	Admission admit(Acquisition acquisition, int maxWaiters) {
		this.lock.lock();
		try {
			if (this.state == State.RETIRED) {
				return Admission.RETIRED;
			}
			acquisition.joined(this);
			if (this.state == State.IDLE) {
				this.front = acquisition;
				this.state = State.CONTENDING;
				return Admission.FRONT;
			}
			acquisition.state().markContended();
			if (waitingCount() >= maxWaiters) {
				acquisition.state().end(LockStatus.REJECTED);
				return Admission.REJECTED;
			}
			this.waiting.add(acquisition);
			return Admission.QUEUED;
		}
		finally {
			this.lock.unlock();
		}
	}

	private int waitingCount() {
		int count = this.waiting.size();
		if (this.front != null && this.front.state().isWaiting()) {
			count++;
		}
		if (this.offered != null && this.offered.state().isWaiting()) {
			count++;
		}
		return count;
	}

	/**
	 * Starts an attempt of {@code acquisition} if it is the waiting front and none is in flight.
	 * @return whether the caller may now call the backend
	 */
	boolean beginAttempt(Acquisition acquisition) {
		this.lock.lock();
		try {
			if (this.state != State.CONTENDING || this.front != acquisition || !acquisition.state().isWaiting()) {
				return false;
			}
			if (this.attemptInFlight) {
				this.wakePending = true;
				return false;
			}
			this.attemptInFlight = true;
			this.wakePending = false;
			acquisition.state().markAttempted();
			cancelRetry();
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The backend granted the front's attempt in time. */
	void granted(Acquisition acquisition, long token, long sentAt) {
		Effects effects = new Effects();
		this.lock.lock();
		try {
			this.attemptInFlight = false;
			this.waiterRecorded = false;
			RequestState request = acquisition.state();
			if (request.isWaiting()) {
				request.grant(token, sentAt);
				hold(acquisition, effects);
			}
			else {
				// It ended while its attempt was in flight: nobody wants the lock it took.
				request.adoptToken(token);
				releaseUnwanted(acquisition, effects);
			}
		}
		finally {
			this.lock.unlock();
		}
		effects.run();
	}

	/** The backend answered the front's attempt: someone else holds the lock. */
	void busy(Acquisition acquisition, Duration retryAfter) {
		Effects effects = new Effects();
		this.lock.lock();
		try {
			this.attemptInFlight = false;
			this.waiterRecorded = true;
			acquisition.state().recordAnswer();
			if (this.retries == 0) {
				acquisition.state().markContended();
			}
			continueOrEnd(acquisition, retryAfter, effects);
		}
		finally {
			this.lock.unlock();
		}
		effects.run();
	}

	/** The front's attempt failed: it may or may not hold the lock now. */
	void failed(Acquisition acquisition, Throwable failure) {
		Effects effects = new Effects();
		this.lock.lock();
		try {
			this.attemptInFlight = false;
			acquisition.state().recordFailure(failure);
			continueOrEnd(acquisition, null, effects);
		}
		finally {
			this.lock.unlock();
		}
		effects.run();
	}

	private void continueOrEnd(Acquisition acquisition, @Nullable Duration retryAfter, Effects effects) {
		RequestState request = acquisition.state();
		this.retries++;
		long remaining = request.remainingWait();
		if (!request.isWaiting() || remaining <= 0) {
			if (request.end(LockStatus.TIMED_OUT)) {
				effects.add(acquisition::announceResult);
			}
			if (request.outcomeUnknown()) {
				effects.add(() -> this.actions.releaseUnknown(acquisition));
			}
			advance(effects);
			return;
		}
		if (this.wakePending) {
			this.wakePending = false;
			effects.add(() -> this.actions.dispatch(this, acquisition));
			return;
		}
		long delay = Math.min(remaining, this.actions.backoffNanos(this.retries - 1));
		if (retryAfter != null && !retryAfter.isZero()) {
			// A zero hint (a lease with no expiry) says nothing; the back-off decides.
			delay = Math.min(delay, retryAfter.toNanos());
		}
		this.retryTimer = this.actions.retryIn(this, delay);
		effects.add(() -> this.actions.armDeadline(this, acquisition));
		if (this.watch == null && !this.watchOpening) {
			this.watchOpening = true;
			effects.add(() -> this.actions.openWatch(this));
		}
	}

	/**
	 * The watch {@link LaneActions#openWatch} opened, or {@code null} when it could not.
	 */
	void watchOpened(@Nullable ReleaseWatch opened) {
		boolean keep;
		this.lock.lock();
		try {
			this.watchOpening = false;
			keep = this.state != State.RETIRED;
			if (keep) {
				this.watch = opened;
			}
		}
		finally {
			this.lock.unlock();
		}
		if (!keep && opened != null) {
			opened.close();
		}
	}

	/** No thread could take the front's attempt: it fails, and the lane moves on. */
	void couldNotAttempt(Acquisition front, Throwable cause) {
		this.lock.lock();
		try {
			front.state().recordCause(cause);
		}
		finally {
			this.lock.unlock();
		}
		end(front, LockStatus.FAILED, false);
	}

	/** A release was seen, or the retry timer fired: the waiting front attempts again. */
	void wake() {
		Acquisition contender = null;
		this.lock.lock();
		try {
			if (this.state == State.CONTENDING && this.front != null && this.front.state().isWaiting()) {
				if (this.attemptInFlight) {
					this.wakePending = true;
				}
				else {
					contender = this.front;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		if (contender != null) {
			this.actions.dispatch(this, contender);
		}
	}

	/** The wait bound of {@code acquisition} passed. */
	void expire(Acquisition acquisition) {
		end(acquisition, LockStatus.TIMED_OUT, true);
	}

	/**
	 * Ends {@code acquisition} if it still waits. A front whose attempt is in flight stays front
	 * until the answer, which gives back any lock it took.
	 * @param onlyIfAttempted leave a front that has not attempted yet to its first attempt
	 * @return {@code false} if it was not waiting (it holds the lock, or already ended)
	 */
	boolean end(Acquisition acquisition, LockStatus status, boolean onlyIfAttempted) {
		Effects effects = new Effects();
		boolean ended;
		this.lock.lock();
		try {
			RequestState request = acquisition.state();
			if (!request.isWaiting()) {
				return false;
			}
			boolean atFront = this.front == acquisition && this.state == State.CONTENDING;
			if (atFront && onlyIfAttempted && !request.attempted()) {
				return true;
			}
			ended = request.end(status);
			this.waiting.remove(acquisition);
			acquisition.cancelWaitDeadline();
			effects.add(acquisition::announceResult);
			if (atFront && !this.attemptInFlight) {
				if (request.outcomeUnknown()) {
					effects.add(() -> this.actions.releaseUnknown(acquisition));
				}
				advance(effects);
			}
		}
		finally {
			this.lock.unlock();
		}
		effects.run();
		return ended;
	}

	/**
	 * Releases the lock {@code holder} holds (or held until its lease was lost): hands it to the
	 * next waiter in memory when allowed, else decides the backend call the caller makes next.
	 * @return the release to make now, or {@code null} when there is none
	 */
	@Nullable PendingRelease release(Acquisition holder, boolean keepLease) {
		Effects effects = new Effects();
		PendingRelease pending = null;
		this.lock.lock();
		try {
			RequestState.Phase before = holder.state().release();
			if (before == null) {
				return null;
			}
			this.actions.stopLease(holder);
			effects.add(holder::announceReleased);
			if (before == RequestState.Phase.HELD && this.front == holder && this.state == State.HELD) {
				Acquisition next = keepLease ? null : pollLive();
				if (next != null && this.actions.mayHandOffInMemory(holder.state(), next.state())) {
					next.state().inherit(holder.state());
					hold(next, effects);
				}
				else {
					this.state = State.RELEASING;
					this.offered = next;
					pending = new PendingRelease(holder, next);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		effects.run();
		return pending;
	}

	/**
	 * The backend answered a release of {@code holder}'s lock that offered it to {@code next}.
	 * @param reportLoss whether a holder found not to own the lock any more is reported
	 */
	void released(Acquisition holder, @Nullable Acquisition next, ReleaseOutcome outcome, long sentAt,
			boolean reportLoss) {
		Effects effects = new Effects();
		this.lock.lock();
		try {
			this.offered = null;
			if (outcome.kind() == ReleaseOutcome.Kind.HANDED_OFF && next != null) {
				this.waiterRecorded = false;
				handedOff(next, outcome.handOffToken(), sentAt, effects);
				return;
			}
			if (outcome.kind() == ReleaseOutcome.Kind.NOT_OWNER && reportLoss) {
				effects.add(holder.state()::reportLostBeforeRelease);
			}
			requeue(next);
			advance(effects);
		}
		finally {
			this.lock.unlock();
			effects.run();
		}
	}

	private void handedOff(Acquisition next, long token, long sentAt, Effects effects) {
		RequestState request = next.state();
		if (System.nanoTime() - sentAt >= request.request().ttl().toNanos()) {
			// As for a late grant: the lease may have expired unseen, so next contends again as the
			// same owner (taking the lease again), or gives it back once it ended.
			request.recordFailure(new LockException("The hand-off of lock '" + this.key + "' arrived after its ttl of "
					+ request.request().ttl() + " had passed"));
			requeue(next);
			if (!request.isWaiting()) {
				effects.add(() -> this.actions.releaseUnknown(next));
			}
			advance(effects);
		}
		else if (request.isWaiting()) {
			request.grant(token, sentAt);
			hold(next, effects);
		}
		else {
			request.adoptToken(token);
			releaseUnwanted(next, effects);
		}
	}

	/** A release call failed, or a lease kept past release was answered: the front is done. */
	void releaseEnded(@Nullable Acquisition next) {
		Effects effects = new Effects();
		this.lock.lock();
		try {
			this.offered = null;
			requeue(next);
			advance(effects);
		}
		finally {
			this.lock.unlock();
		}
		effects.run();
	}

	/** The lease of {@code holder} is known lost; the next waiter contends at once. */
	void lose(Acquisition holder, String reason, @Nullable Throwable cause) {
		Effects effects = new Effects();
		this.lock.lock();
		try {
			LockLostException lost = holder.state().lose(reason, cause);
			if (lost == null) {
				return;
			}
			this.actions.stopLease(holder);
			effects.add(() -> holder.announceLost(lost));
			if (this.front == holder && this.state == State.HELD) {
				if (!this.actions.backendExpiresLocks()) {
					// The backend still holds what this process counts as lost: a ZooKeeper node lives
					// with its session, not with the ttl that ran out.
					effects.add(() -> this.actions.releaseUnknown(holder));
				}
				advance(effects);
			}
		}
		finally {
			this.lock.unlock();
			effects.run();
		}
	}

	/**
	 * The holder whose lease the backend knows by {@code leaseOwner}, if it holds the lock now.
	 */
	@Nullable Acquisition holder(String leaseOwner) {
		this.lock.lock();
		try {
			Acquisition current = this.front;
			return (this.state == State.HELD && current != null && current.state().leaseOwner().equals(leaseOwner))
					? current : null;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void hold(Acquisition holder, Effects effects) {
		holder.cancelWaitDeadline();
		this.front = holder;
		this.state = State.HELD;
		this.retries = 0;
		cancelRetry();
		effects.add(holder::announceResult);
		effects.add(() -> this.actions.keep(holder));
	}

	private void releaseUnwanted(Acquisition holder, Effects effects) {
		Acquisition next = pollLive();
		this.front = holder;
		this.state = State.RELEASING;
		this.offered = next;
		effects.add(() -> this.actions.giveBack(this, holder, next));
	}

	private void requeue(@Nullable Acquisition next) {
		if (next != null && next.state().isWaiting()) {
			this.waiting.addFirst(next);
		}
	}

	/** Moves the next waiter to the front, or retires the lane when none is left. */
	private void advance(Effects effects) {
		cancelRetry();
		this.retries = 0;
		this.wakePending = false;
		Acquisition next = pollLive();
		this.front = next;
		if (next != null) {
			this.state = State.CONTENDING;
			effects.add(() -> this.actions.dispatch(this, next));
			return;
		}
		this.state = State.RETIRED;
		ReleaseWatch closing = this.watch;
		this.watch = null;
		if (closing != null) {
			effects.add(closing::close);
		}
		boolean recorded = this.waiterRecorded;
		effects.add(() -> this.actions.retired(this, recorded));
	}

	private @Nullable Acquisition pollLive() {
		Acquisition next;
		while ((next = this.waiting.poll()) != null) {
			if (next.state().isWaiting()) {
				return next;
			}
		}
		return null;
	}

	private void cancelRetry() {
		if (this.retryTimer != null) {
			this.retryTimer.cancel(false);
			this.retryTimer = null;
		}
	}

	@Nullable LocalLockState localState() {
		this.lock.lock();
		try {
			return (this.front != null) ? this.front.localState(waitingCount()) : null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The requests of this lane, waiters first and the front last, so that ending them in this
	 * order never hands the lock from the front to a waiter about to end.
	 */
	List<Acquisition> members() {
		this.lock.lock();
		try {
			List<Acquisition> members = new ArrayList<>(this.waiting.size() + 2);
			members.addAll(this.waiting);
			if (this.offered != null) {
				members.add(this.offered);
			}
			if (this.front != null) {
				members.add(this.front);
			}
			return members;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A backend release the lane decided on: {@code holder}'s lock, offered to {@code next}.
	 */
	record PendingRelease(Acquisition holder, @Nullable Acquisition next) {
	}

}
