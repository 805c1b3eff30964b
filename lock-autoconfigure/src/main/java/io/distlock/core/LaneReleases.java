package io.distlock.core;

import org.jspecify.annotations.Nullable;

import io.distlock.core.LaneCore.State;
import io.distlock.core.spi.ReleaseOutcome;

/**
 * The events of one {@link KeyLane} while its front holds the lock and gives it up: the holder's
 * release (in memory to the next waiter, or a backend call decided here), the backend's answer,
 * and a lease known lost. Decided under the lane's lock like every event of the lane.
 */
final class LaneReleases {

	private final LaneCore core;

	LaneReleases(LaneCore core) {
		this.core = core;
	}

	/**
	 * Releases the lock {@code holder} holds (or held until its lease was lost): hands it to the
	 * next waiter in memory when allowed, else decides the backend call the caller makes next.
	 * @return the release to make now, or {@code null} when there is none
	 */
	@Nullable PendingRelease release(Acquisition holder, boolean keepLease) {
		LaneCore lane = this.core;
		return lane.decideReturning((effects) -> {
			RequestState.Phase before = holder.state().release();
			if (before == null) {
				return null;
			}
			lane.actions.stopLease(holder);
			effects.add(holder::announceReleased);
			if (before != RequestState.Phase.HELD || lane.front != holder || lane.state != State.HELD) {
				return null;
			}
			Acquisition next = keepLease ? null : lane.queue.pollLive();
			if (next != null && lane.actions.mayHandOffInMemory(holder.state(), next.state())) {
				next.state().inherit(holder.state());
				lane.hold(next, effects);
				return null;
			}
			lane.state = State.RELEASING;
			lane.queue.offer(next);
			return new PendingRelease(holder, next);
		});
	}

	/**
	 * The backend answered a release of {@code holder}'s lock that offered it to {@code next}.
	 * @param reportLoss whether a holder found not to own the lock any more is reported
	 */
	void released(Acquisition holder, @Nullable Acquisition next, ReleaseOutcome outcome, long sentAt,
			boolean reportLoss) {
		LaneCore lane = this.core;
		lane.decide((effects) -> {
			if (outcome.kind() == ReleaseOutcome.Kind.HANDED_OFF && next != null) {
				lane.queue.offerTaken();
				lane.contention.handedOff();
				handedOff(next, outcome.handOffToken(), sentAt, effects);
				return;
			}
			if (outcome.kind() == ReleaseOutcome.Kind.NOT_OWNER && reportLoss) {
				effects.add(holder.state()::reportLostBeforeRelease);
			}
			lane.queue.takeBack(next);
			lane.advance(effects);
		});
	}

	private void handedOff(Acquisition next, long token, long sentAt, Effects effects) {
		RequestState request = next.state();
		if (System.nanoTime() - sentAt >= request.request().ttl().toNanos()) {
			// As for a late grant: the lease may have expired unseen, so next contends again as the
			// same owner (taking the lease again), or gives it back once it ended.
			request.recordFailure(new LockException("The hand-off of lock '" + this.core.lane.key
					+ "' arrived after its ttl of " + request.request().ttl() + " had passed"));
			this.core.queue.takeBack(next);
			if (!request.isWaiting()) {
				effects.add(() -> this.core.actions.releaseUnknown(next));
			}
			this.core.advance(effects);
		}
		else if (request.isWaiting()) {
			request.grant(token, sentAt);
			this.core.hold(next, effects);
		}
		else {
			request.adoptToken(token);
			this.core.releaseUnwanted(next, effects);
		}
	}

	/** A release call failed, or a lease kept past release was answered: the front is done. */
	void releaseEnded(@Nullable Acquisition next) {
		this.core.decide((effects) -> {
			this.core.queue.takeBack(next);
			this.core.advance(effects);
		});
	}

	/** The lease of {@code holder} is known lost; the next waiter contends at once. */
	void lose(Acquisition holder, String reason, @Nullable Throwable cause) {
		LaneCore lane = this.core;
		lane.decide((effects) -> {
			LockLostException lost = holder.state().lose(reason, cause);
			if (lost == null) {
				return;
			}
			lane.actions.stopLease(holder);
			effects.add(() -> holder.announceLost(lost));
			if (lane.front == holder && lane.state == State.HELD) {
				if (!lane.actions.backendExpiresLocks()) {
					// The backend still holds what this process counts as lost: a ZooKeeper node lives
					// with its session, not with the ttl that ran out.
					effects.add(() -> lane.actions.releaseUnknown(holder));
				}
				lane.advance(effects);
			}
		});
	}

	/**
	 * The holder whose lease the backend knows by {@code leaseOwner}, if it holds the lock now.
	 */
	@Nullable Acquisition holder(String leaseOwner) {
		return this.core.locked(() -> {
			Acquisition current = this.core.front;
			return (this.core.state == State.HELD && current != null
					&& current.state().leaseOwner().equals(leaseOwner)) ? current : null;
		});
	}

	/**
	 * A backend release the lane decided on: {@code holder}'s lock, offered to {@code next}.
	 */
	record PendingRelease(Acquisition holder, @Nullable Acquisition next) {
	}

}
