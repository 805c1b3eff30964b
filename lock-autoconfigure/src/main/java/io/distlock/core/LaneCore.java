package io.distlock.core;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import io.distlock.core.spi.ReleaseWatch;

/**
 * What one {@link KeyLane} knows, and the moves its events share: its state, its front request,
 * how the front contends and who waits behind it, all behind one lock. {@link KeyLane} decides
 * the events of contending, {@link LaneReleases} those of holding and releasing; both change
 * this state only inside {@link #decide} or {@link #locked}.
 */
final class LaneCore {

	enum State {

		/** New, no request admitted yet. */
		IDLE,
		/** The front waits and may have an attempt in flight. */
		CONTENDING,
		/** The front holds the lock. */
		HELD,
		/** The front's lock is being released, maybe handed to the waiter offered it. */
		RELEASING,
		/** Empty and forgotten. */
		RETIRED

	}

	final KeyLane lane;

	final LaneActions actions;

	final LaneQueue queue = new LaneQueue();

	final LaneContention contention = new LaneContention();

	private final ReentrantLock lock = new ReentrantLock();

	State state = State.IDLE;

	@Nullable Acquisition front;

	LaneCore(KeyLane lane, LaneActions actions) {
		this.lane = lane;
		this.actions = actions;
	}

	boolean isWaitingFront(Acquisition acquisition) {
		return this.state == State.CONTENDING && this.front == acquisition && acquisition.state().isWaiting();
	}

	/** {@code holder} now holds the lock: its lease is kept from here on. */
	void hold(Acquisition holder, Effects effects) {
		holder.cancelWaitDeadline();
		this.front = holder;
		this.state = State.HELD;
		this.contention.reset();
		effects.add(holder::announceResult);
		effects.add(() -> this.actions.keep(holder));
	}

	/** {@code holder} took a lock it no longer wants: it goes back, offered to the next waiter. */
	void releaseUnwanted(Acquisition holder, Effects effects) {
		Acquisition next = this.queue.pollLive();
		this.front = holder;
		this.state = State.RELEASING;
		this.queue.offer(next);
		effects.add(() -> this.actions.giveBack(this.lane, holder, next));
	}

	void releaseIfUnknown(Acquisition acquisition, Effects effects) {
		if (acquisition.state().outcomeUnknown()) {
			effects.add(() -> this.actions.releaseUnknown(acquisition));
		}
	}

	/** Moves the next waiter to the front, or retires the lane when none is left. */
	void advance(Effects effects) {
		this.contention.reset();
		Acquisition next = this.queue.pollLive();
		this.front = next;
		if (next != null) {
			this.state = State.CONTENDING;
			effects.add(() -> this.actions.dispatch(this.lane, next));
			return;
		}
		this.state = State.RETIRED;
		ReleaseWatch closing = this.contention.takeWatch();
		if (closing != null) {
			effects.add(closing::close);
		}
		boolean recorded = this.contention.waiterRecorded();
		effects.add(() -> this.actions.retired(this.lane, recorded));
	}

	<T> T locked(Supplier<T> body) {
		this.lock.lock();
		try {
			return body.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Decides under the lock, then runs what was decided once it is released. */
	void decide(Consumer<Effects> body) {
		decideReturning((effects) -> {
			body.accept(effects);
			return null;
		});
	}

	<T> T decideReturning(Function<Effects, T> body) {
		Effects effects = new Effects();
		this.lock.lock();
		try {
			return body.apply(effects);
		}
		finally {
			this.lock.unlock();
			effects.run();
		}
	}

}
