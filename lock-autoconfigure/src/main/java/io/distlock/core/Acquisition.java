package io.distlock.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import io.distlock.core.LockListener.AcquisitionTracker;

/**
 * One lock request and its ownership: the {@link LockHandle} the engine hands out. Its state
 * ({@link RequestState}) changes only inside its key's {@link KeyLane}; what users see of a change
 * (the result, a lost lease, listener events) is announced afterwards, through the engine, where
 * it cannot stall the engine's threads.
 */
final class Acquisition implements LockHandle {

	private final HandleEngine engine;

	private final RequestState state;

	private final CompletableFuture<LockResult> result = new CompletableFuture<>();

	private final CompletableFuture<LockLostException> leaseLost = new CompletableFuture<>();

	/** The thread blocked in {@link #await()} that runs this request's attempts itself. */
	private final AtomicReference<@Nullable Thread> driver = new AtomicReference<>();

	private final AtomicBoolean attemptPending = new AtomicBoolean();

	/** Ends the wait at its bound; set at most once, while waiting. */
	private volatile @Nullable ScheduledFuture<?> waitDeadline;

	/** When the held lease is next due for renewal or expiry. */
	private final AtomicReference<LeaseSchedule.@Nullable Due> leaseDue = new AtomicReference<>();

	private volatile @Nullable KeyLane lane;

	/** The fronts of other keys whose first attempt goes with this one's, in order. */
	private volatile List<Acquisition> companions = List.of();

	Acquisition(HandleEngine engine, LockRequest request, String owner, AcquisitionTracker tracker) {
		this.engine = engine;
		this.state = new RequestState(request, owner, tracker);
	}

	RequestState state() {
		return this.state;
	}

	LockRequest request() {
		return this.state.request();
	}

	@Nullable KeyLane lane() {
		return this.lane;
	}

	void joined(KeyLane joined) {
		this.lane = joined;
	}

	/**
	 * Makes {@code others}, fronts of their keys' lanes that have not attempted yet, attempt
	 * together with this request's first attempt, in one backend call.
	 */
	void attemptWith(List<Acquisition> others) {
		this.companions = others;
	}

	/**
	 * The requests to attempt with this one, once: later attempts are this request's alone.
	 */
	List<Acquisition> takeCompanions() {
		List<Acquisition> others = this.companions;
		this.companions = List.of();
		return others;
	}

	/**
	 * Arms the timer that ends the wait; it is cancelled as soon as the wait ends, also if it
	 * already has. Kept apart from the lease's timer.
	 */
	void armWaitDeadline(ScheduledFuture<?> deadline) {
		this.waitDeadline = deadline;
		if (!this.state.isWaiting()) {
			deadline.cancel(false);
		}
	}

	boolean deadlineArmed() {
		return this.waitDeadline != null;
	}

	void cancelWaitDeadline() {
		ScheduledFuture<?> deadline = this.waitDeadline;
		if (deadline != null) {
			deadline.cancel(false);
		}
	}

	/**
	 * Replaces when the lease is next due.
	 * @return what was scheduled before, for the caller to unschedule
	 */
	LeaseSchedule.@Nullable Due swapLeaseDue(LeaseSchedule.@Nullable Due next) {
		return this.leaseDue.getAndSet(next);
	}

	/**
	 * Takes {@code due} off this lease, if it is still what is scheduled.
	 */
	boolean clearLeaseDue(LeaseSchedule.Due due) {
		return this.leaseDue.compareAndSet(due, null);
	}

	/**
	 * Asks for an attempt: the thread blocked in {@link #await()} runs it if there is one.
	 * @return {@code false} if no thread waits that way, so someone else must run the attempt
	 */
	boolean offerAttempt() {
		this.attemptPending.set(true);
		Thread waiting = this.driver.get();
		if (waiting == null) {
			return false;
		}
		LockSupport.unpark(waiting);
		return true;
	}

	/**
	 * Leaves the first attempt to the thread that is about to wait for it.
	 */
	void reserveAttempt() {
		this.attemptPending.set(true);
	}

	/**
	 * Takes the pending attempt, so that exactly one thread runs it.
	 */
	boolean takePendingAttempt() {
		return this.attemptPending.compareAndSet(true, false);
	}

	/**
	 * Publishes the outcome the state machine decided, then wakes the waiting thread.
	 */
	void announceResult() {
		LockResult outcome = this.state.result();
		if (outcome == null) {
			return;
		}
		this.engine.notify(() -> {
			this.state.notifyTracker((tracker) -> tracker.completed(outcome, this.state.contended()));
			this.result.complete(outcome);
			Thread waiting = this.driver.get();
			if (waiting != null) {
				LockSupport.unpark(waiting);
			}
		});
	}

	/**
	 * Publishes a lease the state machine marked lost: logged, counted and signalled once.
	 */
	void announceLost(LockLostException lost) {
		this.engine.notify(() -> {
			RequestState.logger.warn(lost.getMessage());
			this.state.notifyTracker(AcquisitionTracker::lost);
			this.leaseLost.complete(lost);
		});
	}

	void announceReleased() {
		this.engine.notify(() -> this.state.notifyTracker(AcquisitionTracker::released));
	}

	@Override
	public String key() {
		return this.state.request().key();
	}

	@Override
	public LockMode mode() {
		return this.state.request().mode();
	}

	@Override
	public int permits() {
		return this.state.request().permits();
	}

	/**
	 * Waits for the outcome, running this request's attempts on the calling thread meanwhile. An
	 * interrupt withdraws a request still waiting; one granted first stays held, and the thread's
	 * interrupt flag is set again on return.
	 */
	@Override
	public LockResult await() {
		Thread current = Thread.currentThread();
		if (!this.driver.compareAndSet(null, current)) {
			return awaitPassively();
		}
		boolean interrupted = false;
		try {
			for (;;) {
				if (Thread.interrupted()) {
					interrupted = true;
					this.engine.withdraw(this);
				}
				if (this.result.isDone()) {
					break;
				}
				if (this.attemptPending.get()) {
					this.engine.runPendingAttempt(this);
				}
				else {
					LockSupport.park(this);
				}
			}
		}
		finally {
			this.driver.set(null);
			if (interrupted) {
				current.interrupt();
			}
		}
		return this.result.join();
	}

	private LockResult awaitPassively() {
		try {
			return this.result.get();
		}
		catch (InterruptedException ex) {
			this.engine.withdraw(this);
			Thread.currentThread().interrupt();
			return this.result.join();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Lock result futures never fail", ex);
		}
	}

	@Override
	public CompletableFuture<LockResult> result() {
		return this.result;
	}

	@Override
	public CompletableFuture<LockLostException> leaseLost() {
		return this.leaseLost;
	}

	@Override
	public boolean isHeld() {
		return this.state.isHeldNow() && !this.engine.backendSuspended();
	}

	@Override
	public void assertHeld() {
		if (!isHeld()) {
			String why = (this.state.isHeldNow() && this.engine.backendSuspended())
					? "the connection to the lock backend is suspended" : this.state.describe();
			throw new LockLostException("Lock '" + key() + "' (fencing token " + this.state.token()
					+ ") is not held: " + why);
		}
	}

	@Override
	public long fencingToken() {
		return this.state.visibleToken();
	}

	@Override
	public void unlock() {
		this.engine.unlock(this, Duration.ZERO);
	}

	@Override
	public void unlockAfter(Duration delay) {
		this.engine.unlock(this, delay);
	}

	@Override
	public void cancel() {
		this.engine.cancel(this);
	}

	@Override
	public void close() {
		unlock();
	}

	/**
	 * This request as seen by monitoring, with the number of requests waiting behind it.
	 */
	LocalLockState localState(int waiting) {
		return this.state.localState(waiting);
	}

	@Override
	public String toString() {
		return "LockHandle[key=" + key() + ", name=" + this.state.request().name() + ", phase="
				+ this.state.phase() + ", fencingToken=" + fencingToken() + "]";
	}

}
