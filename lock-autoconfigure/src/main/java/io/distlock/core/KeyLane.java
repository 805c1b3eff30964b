package io.distlock.core;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.distlock.core.LaneCore.State;
import io.distlock.core.spi.ReleaseWatch;

/**
 * The state machine of one key in this process, the only place that changes it: the front
 * request (contending alone in the backend, holding the lock, or releasing it), how it contends
 * and the requests waiting behind it ({@link LaneCore}). Every event (attempt answered, release
 * answered, deadline, cancel, wake-up, lease lost) is decided under the lane's one lock, here for
 * contending and in {@link #releases()} for holding and releasing, including the phase of the
 * requests it touches, so a race between two events resolves to exactly one outcome. Backend
 * calls and announcements run after the lock is released, as {@link Effects}, and their answers
 * come back as events. Exists while it has requests; once empty it retires and a later request
 * makes a new lane.
 */
final class KeyLane {

	enum Admission {

		/** It is the front. */
		FRONT,
		/** It waits behind others. */
		QUEUED,
		/** The queue was full: it ended. */
		REJECTED,
		/** The lane retired before it could join: a new lane takes it. */
		RETIRED,
		/** It asked to join only as the front, and the lane has one: it did not join. */
		NOT_FRONT

	}

	/** Separates a lock key from the owner token in the lane key of a share or a permit. */
	private static final char OWNER_SEPARATOR = '\u0000';

	/** The key of the lock in the backend. */
	final String key;

	/** The key of this lane among the engine's lanes. */
	final String laneKey;

	/**
	 * Whether the lane's requests hold the key alone, so that they queue here and one contends
	 * for all. A share or a permit has a lane of its own instead: queued behind another holder of
	 * this process it would wait for no reason, as both may hold the key at once.
	 */
	private final boolean mutex;

	private final LaneCore core;

	private final LaneReleases releases;

	KeyLane(String laneKey, LockRequest request, LaneActions actions) {
		this.key = request.key();
		this.laneKey = laneKey;
		this.mutex = request.isMutex();
		this.core = new LaneCore(this, actions);
		this.releases = new LaneReleases(this.core);
	}

	/** The lane a request joins: its key's for a mutex, else one of its own. */
	static String laneKey(LockRequest request, String owner) {
		return request.isMutex() ? request.key() : request.key() + OWNER_SEPARATOR + owner;
	}

	/** The lanes that may hold the lease {@code owner} holds on {@code key}. */
	static List<String> laneKeys(String key, String owner) {
		return List.of(key, key + OWNER_SEPARATOR + owner);
	}

	/** The events of holding and releasing this key's lock. */
	LaneReleases releases() {
		return this.releases;
	}

	/**
	 * Admits {@code acquisition}: as the front when the lane has none, else behind the others
	 * when {@code mayQueue} and there is room.
	 */
	Admission admit(Acquisition acquisition, int maxWaiters, boolean mayQueue) {
		return this.core.locked(() -> {
			if (this.core.state == State.RETIRED) {
				return Admission.RETIRED;
			}
			if (this.core.state != State.IDLE && !mayQueue) {
				return Admission.NOT_FRONT;
			}
			acquisition.joined(this);
			if (this.core.state == State.IDLE) {
				this.core.front = acquisition;
				this.core.state = State.CONTENDING;
				return Admission.FRONT;
			}
			acquisition.state().markContended();
			if (this.core.queue.waitingCount(this.core.front) >= maxWaiters) {
				acquisition.state().end(LockStatus.REJECTED);
				return Admission.REJECTED;
			}
			this.core.queue.add(acquisition);
			return Admission.QUEUED;
		});
	}

	/**
	 * Starts an attempt of {@code acquisition} if it is the waiting front and none is in flight.
	 * @return whether the caller may now call the backend
	 */
	boolean beginAttempt(Acquisition acquisition) {
		return this.core.locked(() -> {
			if (!this.core.isWaitingFront(acquisition) || !this.core.contention.begin()) {
				return false;
			}
			acquisition.state().markAttempted();
			return true;
		});
	}

	/** The backend granted the front's attempt in time. */
	void granted(Acquisition acquisition, long token, long sentAt) {
		this.core.decide((effects) -> {
			this.core.contention.answered(false, false);
			RequestState request = acquisition.state();
			if (request.isWaiting()) {
				request.grant(token, sentAt);
				this.core.hold(acquisition, effects);
			}
			else {
				// It ended while its attempt was in flight: nobody wants the lock it took.
				request.adoptToken(token);
				this.core.releaseUnwanted(acquisition, effects);
			}
		});
	}

	/** The backend answered the front's attempt: someone else holds the lock. */
	void busy(Acquisition acquisition, Duration retryAfter) {
		this.core.decide((effects) -> {
			// A busy mutex attempt records this process as waiting; a share's or a permit's does not.
			this.core.contention.answered(this.mutex, false);
			acquisition.state().recordAnswer();
			if (this.core.contention.firstAnswer()) {
				acquisition.state().markContended();
			}
			continueOrEnd(acquisition, retryAfter, effects);
		});
	}

	/** The front's attempt failed: it may or may not hold the lock now. */
	void failed(Acquisition acquisition, Throwable failure) {
		this.core.decide((effects) -> {
			this.core.contention.answered(false, true);
			acquisition.state().recordFailure(failure);
			continueOrEnd(acquisition, null, effects);
		});
	}

	/**
	 * The front's attempt, made together with an earlier key's, ended without a lock to keep: it
	 * was not tried, or no answer came (a lock it may hold goes back). It ends
	 * {@link LockStatus#CANCELLED}, and its multi-key request asks for the key again in turn.
	 * @param failure why no answer came, or {@code null} when it was not tried
	 */
	void withdrawn(Acquisition acquisition, @Nullable Throwable failure) {
		this.core.decide((effects) -> {
			this.core.contention.answered(false, failure != null);
			RequestState request = acquisition.state();
			if (failure != null) {
				request.recordFailure(failure);
			}
			if (request.end(LockStatus.CANCELLED)) {
				effects.add(acquisition::announceResult);
			}
			acquisition.cancelWaitDeadline();
			this.core.releaseIfUnknown(acquisition, effects);
			this.core.advance(effects);
		});
	}

	private void continueOrEnd(Acquisition acquisition, @Nullable Duration retryAfter, Effects effects) {
		RequestState request = acquisition.state();
		int retry = this.core.contention.countRetry();
		long remaining = request.remainingWait();
		if (!request.isWaiting() || remaining <= 0) {
			if (request.end(LockStatus.TIMED_OUT)) {
				effects.add(acquisition::announceResult);
			}
			this.core.releaseIfUnknown(acquisition, effects);
			this.core.advance(effects);
			return;
		}
		if (this.core.contention.takeWakePending()) {
			effects.add(() -> this.core.actions.dispatch(this, acquisition));
			return;
		}
		long delay = Math.min(remaining, this.core.actions.backoffNanos(retry));
		if (retryAfter != null && !retryAfter.isZero()) {
			// A zero hint (a lease with no expiry) says nothing; the back-off decides.
			delay = Math.min(delay, retryAfter.toNanos());
		}
		this.core.contention.retryWith(this.core.actions.retryIn(this, delay));
		effects.add(() -> this.core.actions.armDeadline(this, acquisition));
		if (this.core.contention.needsWatch()) {
			effects.add(() -> this.core.actions.openWatch(this));
		}
	}

	/**
	 * The watch {@link LaneActions#openWatch} opened, or {@code null} when it could not.
	 */
	void watchOpened(@Nullable ReleaseWatch opened) {
		boolean keep = this.core.locked(() -> {
			if (this.core.state == State.RETIRED) {
				this.core.contention.watchNotWanted();
				return false;
			}
			this.core.contention.watchOpened(opened);
			return true;
		});
		if (!keep && opened != null) {
			opened.close();
		}
	}

	/** No thread could take the front's attempt: it fails, and the lane moves on. */
	void couldNotAttempt(Acquisition front, Throwable cause) {
		this.core.decide((effects) -> front.state().recordCause(cause));
		end(front, LockStatus.FAILED, false);
	}

	/** A release was seen, or the retry timer fired: the waiting front attempts again. */
	void wake() {
		Acquisition contender = this.core.locked(() -> (this.core.front != null && this.core.isWaitingFront(this.core.front)
				&& this.core.contention.wake()) ? this.core.front : null);
		if (contender != null) {
			this.core.actions.dispatch(this, contender);
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
		return this.core.decideReturning((effects) -> {
			RequestState request = acquisition.state();
			if (!request.isWaiting()) {
				return false;
			}
			boolean atFront = this.core.front == acquisition && this.core.state == State.CONTENDING;
			if (atFront && onlyIfAttempted && !request.attempted()) {
				return true;
			}
			boolean ended = request.end(status);
			this.core.queue.remove(acquisition);
			acquisition.cancelWaitDeadline();
			effects.add(acquisition::announceResult);
			if (atFront && !this.core.contention.inFlight()) {
				this.core.releaseIfUnknown(acquisition, effects);
				this.core.advance(effects);
			}
			return ended;
		});
	}

	@Nullable LocalLockState localState() {
		return this.core.locked(() -> {
			Acquisition current = this.core.front;
			return (current != null) ? current.localState(this.core.queue.waitingCount(current)) : null;
		});
	}

	/**
	 * The requests of this lane, waiters first and the front last, so that ending them in this
	 * order never hands the lock from the front to a waiter about to end.
	 */
	List<Acquisition> members() {
		return this.core.locked(() -> this.core.queue.members(this.core.front));
	}

}
