package io.distlock.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The requests of one {@link KeyLane} behind its front, guarded by the lane's lock: the FIFO of
 * waiters and, while a release call is in flight, the waiter that call may hand the lock to.
 */
final class LaneQueue {

	private final ArrayDeque<Acquisition> waiting = new ArrayDeque<>();

	private @Nullable Acquisition offered;

	void add(Acquisition acquisition) {
		this.waiting.add(acquisition);
	}

	void remove(Acquisition acquisition) {
		this.waiting.remove(acquisition);
	}

	/** Takes the first waiter still waiting, dropping the ended ones before it. */
	@Nullable Acquisition pollLive() {
		Acquisition next;
		while ((next = this.waiting.poll()) != null) {
			if (next.state().isWaiting()) {
				return next;
			}
		}
		return null;
	}

	/** Notes the waiter a release call is offering the lock to ({@code null}: none). */
	void offer(@Nullable Acquisition next) {
		this.offered = next;
	}

	/** The release call ended without handing the lock to {@code next}: it waits first again. */
	void takeBack(@Nullable Acquisition next) {
		this.offered = null;
		if (next != null && next.state().isWaiting()) {
			this.waiting.addFirst(next);
		}
	}

	/** The release call handed the lock on. */
	void offerTaken() {
		this.offered = null;
	}

	/** How many requests wait, counting {@code front} if it does. */
	int waitingCount(@Nullable Acquisition front) {
		int count = this.waiting.size();
		if (front != null && front.state().isWaiting()) {
			count++;
		}
		if (this.offered != null && this.offered.state().isWaiting()) {
			count++;
		}
		return count;
	}

	/** The waiters first, then the offered one, then {@code front}. */
	List<Acquisition> members(@Nullable Acquisition front) {
		List<Acquisition> members = new ArrayList<>(this.waiting.size() + 2);
		members.addAll(this.waiting);
		if (this.offered != null) {
			members.add(this.offered);
		}
		if (front != null) {
			members.add(front);
		}
		return members;
	}

}
