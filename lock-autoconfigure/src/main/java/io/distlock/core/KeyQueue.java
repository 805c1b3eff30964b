package io.distlock.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import io.distlock.core.spi.ReleaseWatch;

/**
 * The requests of this process for one key: the front (holding the lock or the only one
 * contending for it in the backend) and the FIFO of those waiting behind it. Exists only while
 * it has requests; once empty it retires and a later request makes a new one. Callers hold
 * {@link #lock} around every access to its fields.
 */
final class KeyQueue {

	enum Admission {

		FRONT, QUEUED, REJECTED, RETIRED

	}

	final String key;

	final ReentrantLock lock = new ReentrantLock();

	@Nullable Acquisition front;

	final ArrayDeque<Acquisition> waiting = new ArrayDeque<>();

	boolean retired;

	/** Whether the backend may hold a record of this process waiting, made by a busy attempt. */
	boolean waiterRecorded;

	/** Whether the queue retired with such a record, which must then be withdrawn. */
	boolean abandoned;

	boolean attemptInFlight;

	boolean wakePending;

	int retries;

	@Nullable ScheduledFuture<?> retryTimer;

	@Nullable ReleaseWatch watch;

	KeyQueue(String key) {
		this.key = key;
	}

	Admission admit(Acquisition acquisition, int maxWaiters) {
		this.lock.lock();
		try {
			if (this.retired) {
				return Admission.RETIRED;
			}
			acquisition.joined(this);
			if (this.front == null) {
				this.front = acquisition;
				return Admission.FRONT;
			}
			int waitingNow = this.waiting.size() + (this.front.isWaiting() ? 1 : 0);
			if (waitingNow >= maxWaiters) {
				return Admission.REJECTED;
			}
			this.waiting.add(acquisition);
			return Admission.QUEUED;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Moves the next live waiter to the front, or retires the queue when none is left. Call with
	 * the lock held, once the front is done.
	 * @return the new front, which must now contend, or {@code null}
	 */
	@Nullable Acquisition advance() {
		cancelRetry();
		this.retries = 0;
		this.wakePending = false;
		this.front = pollLive();
		if (this.front == null && this.waiting.isEmpty()) {
			this.retired = true;
			this.abandoned = this.waiterRecorded;
			if (this.watch != null) {
				this.watch.close();
				this.watch = null;
			}
		}
		return this.front;
	}

	@Nullable Acquisition pollLive() {
		Acquisition next;
		while ((next = this.waiting.poll()) != null) {
			if (next.isWaiting()) {
				return next;
			}
		}
		return null;
	}

	void cancelRetry() {
		if (this.retryTimer != null) {
			this.retryTimer.cancel(false);
			this.retryTimer = null;
		}
	}

	@Nullable LocalLockState state() {
		this.lock.lock();
		try {
			Acquisition current = this.front;
			if (current == null) {
				return null;
			}
			int waitingNow = this.waiting.size() + (current.isWaiting() ? 1 : 0);
			return current.state(waitingNow);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The requests of this queue, waiters first and the front last, so that ending them in this
	 * order never hands the lock from the front to a waiter about to end.
	 */
	List<Acquisition> members() {
		this.lock.lock();
		try {
			List<Acquisition> members = new ArrayList<>(this.waiting.size() + 1);
			members.addAll(this.waiting);
			if (this.front != null) {
				members.add(this.front);
			}
			return members;
		}
		finally {
			this.lock.unlock();
		}
	}

}
