package io.distlock.core;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distlock.core.LockListener.AcquisitionTracker;

/**
 * One lock request and its ownership: the {@link LockHandle} the machinery hands out. Its phase
 * only moves forward (waiting, then held or ended; held, then lost and/or released), each step
 * taken by exactly one thread through compare-and-set.
 */
final class Acquisition implements LockHandle {

	private static final Logger logger = LoggerFactory.getLogger(Acquisition.class);

	enum Phase {

		WAITING, HELD, LOST, RELEASED, ENDED

	}

	private final QueuedLockManager engine;

	private final LockRequest request;

	private final String owner;

	private final AcquisitionTracker tracker;

	private final long requestedAt;

	private final long deadline;

	private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.WAITING);

	private final CompletableFuture<LockResult> result = new CompletableFuture<>();

	private final CompletableFuture<LockLostException> leaseLost = new CompletableFuture<>();

	private volatile long token = -1;

	private volatile long leaseDeadline;

	/** The owner token the backend knows the held lease by: this one's, or inherited locally. */
	private volatile String leaseOwner;

	/** When the backend granted the lease this request holds. */
	private volatile long turnStartedAt;

	/** How many in-memory hand-offs passed that lease on before this request got it. */
	private volatile int turnHandOffs;

	private volatile boolean contended;

	private volatile @Nullable Throwable lastFailure;

	private volatile boolean outcomeUnknown;

	/** Ends the wait at its bound; set at most once, while waiting. */
	private volatile @Nullable ScheduledFuture<?> waitDeadline;

	/** Renews the held lease or marks it lost at its end. */
	private volatile @Nullable ScheduledFuture<?> leaseTimer;

	private volatile boolean attempted;

	private volatile @Nullable Instant acquiredAt;

	private volatile long renewals;

	private volatile @Nullable KeyQueue queue;

	/** The thread blocked in {@link #awaitDriving}, which runs this request's attempts itself. */
	private volatile @Nullable Thread driver;

	private volatile boolean attemptRequested;

	Acquisition(QueuedLockManager engine, LockRequest request, String owner, AcquisitionTracker tracker) {
		this.engine = engine;
		this.request = request;
		this.owner = owner;
		this.leaseOwner = owner;
		this.tracker = tracker;
		this.requestedAt = System.nanoTime();
		this.deadline = this.requestedAt + request.waitTime().toNanos();
	}

	LockRequest request() {
		return this.request;
	}

	/**
	 * The owner token this request attempts the backend with.
	 */
	String owner() {
		return this.owner;
	}

	/**
	 * The owner token of the lease this request holds: its own when the backend granted it, its
	 * predecessor's when handed over in memory. Release and renewal go by it.
	 */
	String leaseOwner() {
		return this.leaseOwner;
	}

	/**
	 * The fencing token last assigned, also when this request ended before claiming it.
	 */
	long token() {
		return this.token;
	}

	long turnStartedAt() {
		return this.turnStartedAt;
	}

	int turnHandOffs() {
		return this.turnHandOffs;
	}

	long deadline() {
		return this.deadline;
	}

	long leaseDeadline() {
		return this.leaseDeadline;
	}

	@Nullable KeyQueue queue() {
		return this.queue;
	}

	void joined(KeyQueue queue) {
		this.queue = queue;
	}

	Phase phase() {
		return this.phase.get();
	}

	boolean isWaiting() {
		return this.phase.get() == Phase.WAITING;
	}

	void markAttempted() {
		this.attempted = true;
	}

	boolean attempted() {
		return this.attempted;
	}

	void markContended() {
		this.contended = true;
	}

	/**
	 * Records an attempt that failed: its outcome is unknown, so the lock may have to be given
	 * back later, and a wait that ends now ends as {@link LockStatus#FAILED}.
	 */
	void recordFailure(Throwable failure) {
		this.lastFailure = failure;
		this.outcomeUnknown = true;
	}

	/**
	 * Records an attempt that the backend answered, so a wait that ends now is a time-out.
	 */
	void recordAnswer() {
		this.lastFailure = null;
	}

	boolean outcomeUnknown() {
		return this.outcomeUnknown;
	}

	/**
	 * Whether the wait deadline was armed.
	 */
	boolean deadlineArmed() {
		return this.waitDeadline != null;
	}

	/**
	 * Arms the timer that ends the wait; cancelled when the wait ends, also if it already has.
	 * Kept apart from the lease's timer: a request granted while its deadline was being armed
	 * keeps renewing.
	 */
	void armWaitDeadline(ScheduledFuture<?> deadline) {
		this.waitDeadline = deadline;
		if (!isWaiting()) {
			deadline.cancel(false);
		}
	}

	private void cancelWaitDeadline() {
		ScheduledFuture<?> deadline = this.waitDeadline;
		if (deadline != null) {
			deadline.cancel(false);
		}
	}

	/**
	 * Replaces the pending lease timer (renewal or expiry), cancelling the old one.
	 */
	void setLeaseTimer(@Nullable ScheduledFuture<?> next) {
		ScheduledFuture<?> previous = this.leaseTimer;
		this.leaseTimer = next;
		if (previous != null) {
			previous.cancel(false);
		}
	}

	/**
	 * Marks this waiting request as holding a lease the backend just granted it, without
	 * reporting it yet, so the caller can update shared state under a lock and
	 * {@link #announceGrant() report} after releasing it.
	 * @param fencingToken the token the backend assigned
	 * @param grantedAt when the granting call was sent, where the lease is counted from
	 * @return {@code false} if the request already ended, so the caller must give the lock back
	 */
	boolean claim(long fencingToken, long grantedAt) {
		this.token = fencingToken;
		this.leaseDeadline = grantedAt + this.request.ttl().toNanos();
		this.turnStartedAt = grantedAt;
		return take();
	}

	/**
	 * Marks this waiting request as holding the lease {@code predecessor} released, handed over
	 * in memory: the same backend lease and deadline, the next fencing token.
	 * @param predecessor the released holder
	 * @return {@code false} if the request already ended
	 */
	boolean claimFrom(Acquisition predecessor) {
		this.token = predecessor.token + 1;
		this.leaseDeadline = predecessor.leaseDeadline;
		this.leaseOwner = predecessor.leaseOwner;
		this.turnStartedAt = predecessor.turnStartedAt;
		this.turnHandOffs = predecessor.turnHandOffs + 1;
		return take();
	}

	private boolean take() {
		if (!this.phase.compareAndSet(Phase.WAITING, Phase.HELD)) {
			return false;
		}
		this.acquiredAt = Instant.now();
		cancelWaitDeadline();
		return true;
	}

	void announceGrant() {
		complete(LockResult.acquired(this.token, waited()));
	}

	/**
	 * Ends this waiting request without the lock.
	 * @return {@code false} if it had already ended or acquired
	 */
	boolean end(LockStatus status) {
		if (!this.phase.compareAndSet(Phase.WAITING, Phase.ENDED)) {
			return false;
		}
		cancelWaitDeadline();
		Throwable failure = this.lastFailure;
		if (status == LockStatus.TIMED_OUT && failure != null) {
			complete(LockResult.failed(failure, waited()));
		}
		else if (status == LockStatus.FAILED) {
			complete(LockResult.failed((failure != null) ? failure : new LockException("Lock attempt failed"),
					waited()));
		}
		else {
			complete(LockResult.notAcquired(status, waited()));
		}
		return true;
	}

	void renewed(long leaseDeadline) {
		this.leaseDeadline = leaseDeadline;
		this.renewals++;
	}

	/**
	 * This request as seen by monitoring, with the number of requests waiting behind it.
	 */
	LocalLockState state(int waiting) {
		boolean held = isHeld();
		long remaining = this.leaseDeadline - System.nanoTime();
		return new LocalLockState(key(), this.request.name(), held, held ? this.token : -1,
				held ? this.acquiredAt : null, held ? Duration.ofNanos(Math.max(0, remaining)) : Duration.ZERO,
				held ? this.renewals : 0, waiting);
	}

	/**
	 * Marks the held lease lost, reporting it once.
	 * @return {@code false} if it was not held
	 */
	boolean markLost(String reason, @Nullable Throwable cause) {
		if (!this.phase.compareAndSet(Phase.HELD, Phase.LOST)) {
			return false;
		}
		setLeaseTimer(null);
		String message = "Lost the lease of lock '" + this.request.key() + "' (name '" + this.request.name()
				+ "', fencing token " + this.token + "): " + reason;
		logger.warn(message);
		notifyTracker(AcquisitionTracker::lost);
		this.leaseLost.complete((cause != null) ? new LockLostException(message, cause) : new LockLostException(message));
		return true;
	}

	/**
	 * Marks the lock released by its handle.
	 * @return the phase before, {@link Phase#HELD} or {@link Phase#LOST}, when this call released it
	 */
	@Nullable Phase markReleased() {
		for (;;) {
			Phase current = this.phase.get();
			if (current != Phase.HELD && current != Phase.LOST) {
				return null;
			}
			if (this.phase.compareAndSet(current, Phase.RELEASED)) {
				setLeaseTimer(null);
				notifyTracker(AcquisitionTracker::released);
				return current;
			}
		}
	}

	/**
	 * Reports a lease found lost only when the release reached the backend.
	 */
	void lostBeforeRelease() {
		logger.warn("Lock '{}' (name '{}', fencing token {}) was no longer held when released: its lease had "
				+ "expired", this.request.key(), this.request.name(), this.token);
		notifyTracker(AcquisitionTracker::lost);
	}

	private Duration waited() {
		return Duration.ofNanos(System.nanoTime() - this.requestedAt);
	}

	private void complete(LockResult outcome) {
		notifyTracker((tracker) -> tracker.completed(outcome, this.contended));
		this.result.complete(outcome);
		Thread waiting = this.driver;
		if (waiting != null) {
			LockSupport.unpark(waiting);
		}
	}

	/**
	 * Asks the thread blocked in {@link #awaitDriving} to run the next attempt, sparing a hand-over
	 * to another thread.
	 * @return {@code false} if no thread waits that way, so the caller must run the attempt
	 */
	boolean requestAttempt() {
		Thread waiting = this.driver;
		if (waiting == null) {
			return false;
		}
		this.attemptRequested = true;
		LockSupport.unpark(waiting);
		return true;
	}

	/**
	 * Waits for the result like {@link #await()}, running the attempts requested meanwhile on the
	 * calling thread. Once the result is in, a request for an attempt is moot: an attempt only
	 * acts on a waiting request.
	 * @param attempt runs one attempt
	 * @return the result
	 */
	LockResult awaitDriving(Runnable attempt) {
		boolean interrupted = false;
		this.driver = Thread.currentThread();
		try {
			while (!this.result.isDone()) {
				if (this.attemptRequested) {
					this.attemptRequested = false;
					attempt.run();
					continue;
				}
				LockSupport.park(this);
				if (Thread.interrupted() && !interrupted) {
					interrupted = true;
					cancel();
				}
			}
		}
		finally {
			this.driver = null;
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
		return this.result.join();
	}

	private void notifyTracker(Consumer<AcquisitionTracker> event) {
		try {
			event.accept(this.tracker);
		}
		catch (RuntimeException ex) {
			logger.warn("Lock listener failed for lock '{}'", this.request.key(), ex);
		}
	}

	@Override
	public String key() {
		return this.request.key();
	}

	@Override
	public LockResult await() {
		try {
			return this.result.get();
		}
		catch (InterruptedException ex) {
			cancel();
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
		return this.phase.get() == Phase.HELD && System.nanoTime() - this.leaseDeadline < 0
				&& !this.engine.backendSuspended();
	}

	@Override
	public void assertHeld() {
		if (!isHeld()) {
			throw new LockLostException("Lock '" + key() + "' (fencing token " + this.token + ") is not held: "
					+ describePhase());
		}
	}

	private String describePhase() {
		return switch (this.phase.get()) {
			case WAITING -> "not acquired yet";
			case HELD -> this.engine.backendSuspended() ? "the connection to the lock backend is suspended"
					: "its lease expired";
			case LOST -> "its lease was lost";
			case RELEASED -> "it was released";
			case ENDED -> "it was not acquired";
		};
	}

	@Override
	public long fencingToken() {
		Phase current = this.phase.get();
		return (current == Phase.WAITING || current == Phase.ENDED) ? -1 : this.token;
	}

	@Override
	public void unlock() {
		this.engine.release(this, Duration.ZERO);
	}

	@Override
	public void unlockAfter(Duration delay) {
		this.engine.release(this, delay);
	}

	@Override
	public void cancel() {
		this.engine.cancel(this);
	}

	@Override
	public void close() {
		unlock();
	}

	@Override
	public String toString() {
		return "LockHandle[key=" + key() + ", name=" + this.request.name() + ", phase=" + this.phase.get()
				+ ", fencingToken=" + fencingToken() + "]";
	}

}
