package io.distlock.core;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distlock.core.LockListener.AcquisitionTracker;

/**
 * The state of one request: its phase, which only moves forward (waiting, then held or ended;
 * held, then lost and/or released), and what the phase carries (fencing token, lease deadline,
 * outcome). The phase and what it carries are written only by its key's {@link KeyLane} under the
 * lane's lock (the lease deadline of a held lease also by its {@link LeaseKeeper}); read by anyone.
 */
final class RequestState {

	static final Logger logger = LoggerFactory.getLogger(Acquisition.class);

	enum Phase {

		WAITING, HELD, LOST, RELEASED, ENDED

	}

	private final LockRequest request;

	private final String owner;

	private final AcquisitionTracker tracker;

	private final long requestedAt;

	private final long deadline;

	private volatile Phase phase = Phase.WAITING;

	private volatile @Nullable LockResult result;

	private volatile long token = -1;

	private volatile long leaseDeadline;

	/** The owner token the backend knows the held lease by: this one's, or inherited locally. */
	private volatile String leaseOwner;

	/** When the backend granted the lease this request holds. */
	private volatile long turnStartedAt;

	/** How many in-memory hand-offs passed that lease on before this request got it. */
	private volatile int turnHandOffs;

	private volatile boolean contended;

	private volatile boolean attempted;

	private volatile @Nullable Throwable lastFailure;

	private volatile boolean outcomeUnknown;

	private volatile @Nullable Instant acquiredAt;

	private volatile long renewals;

	RequestState(LockRequest request, String owner, AcquisitionTracker tracker) {
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

	/** The owner token this request attempts the backend with. */
	String owner() {
		return this.owner;
	}

	String leaseOwner() {
		return this.leaseOwner;
	}

	Phase phase() {
		return this.phase;
	}

	boolean isWaiting() {
		return this.phase == Phase.WAITING;
	}

	boolean isHeldPhase() {
		return this.phase == Phase.HELD;
	}

	boolean isHeldNow() {
		return this.phase == Phase.HELD && System.nanoTime() - this.leaseDeadline < 0;
	}

	@Nullable LockResult result() {
		return this.result;
	}

	long token() {
		return this.token;
	}

	long visibleToken() {
		Phase current = this.phase;
		return (current == Phase.WAITING || current == Phase.ENDED) ? -1 : this.token;
	}

	long deadline() {
		return this.deadline;
	}

	long remainingWait() {
		return this.deadline - System.nanoTime();
	}

	long leaseDeadline() {
		return this.leaseDeadline;
	}

	long turnStartedAt() {
		return this.turnStartedAt;
	}

	int turnHandOffs() {
		return this.turnHandOffs;
	}

	boolean contended() {
		return this.contended;
	}

	void markContended() {
		this.contended = true;
	}

	boolean attempted() {
		return this.attempted;
	}

	void markAttempted() {
		this.attempted = true;
	}

	@Nullable Instant acquiredAt() {
		return this.acquiredAt;
	}

	/**
	 * Records an attempt whose outcome is unknown: the lock may have to be given back later, and a
	 * wait that ends now ends as {@link LockStatus#FAILED}.
	 */
	void recordFailure(Throwable failure) {
		this.lastFailure = failure;
		this.outcomeUnknown = true;
	}

	/** Records why a request that made no attempt fails. */
	void recordCause(Throwable cause) {
		this.lastFailure = cause;
	}

	/** Records an attempt the backend answered, so a wait that ends now is a time-out. */
	void recordAnswer() {
		this.lastFailure = null;
	}

	boolean outcomeUnknown() {
		return this.outcomeUnknown;
	}

	/**
	 * Takes a lease the backend granted.
	 * @param grantedAt when the granting call was sent, where the lease is counted from
	 */
	void grant(long fencingToken, long grantedAt) {
		this.token = fencingToken;
		this.leaseDeadline = grantedAt + this.request.ttl().toNanos();
		this.turnStartedAt = grantedAt;
		this.turnHandOffs = 0;
		held();
	}

	/**
	 * Records the token of a lock granted after this request ended, so that it can be given back.
	 */
	void adoptToken(long fencingToken) {
		this.token = fencingToken;
	}

	/**
	 * Takes over the lease {@code predecessor} released, in memory: the same backend lease and
	 * deadline, the next fencing token.
	 */
	void inherit(RequestState predecessor) {
		this.token = predecessor.token + 1;
		this.leaseDeadline = predecessor.leaseDeadline;
		this.leaseOwner = predecessor.leaseOwner;
		this.turnStartedAt = predecessor.turnStartedAt;
		this.turnHandOffs = predecessor.turnHandOffs + 1;
		held();
	}

	private void held() {
		this.acquiredAt = Instant.now();
		this.phase = Phase.HELD;
		this.result = LockResult.acquired(this.token, waited());
	}

	/**
	 * Ends a waiting request without the lock; a time-out after a failed attempt is a failure.
	 * @return {@code false} if it was not waiting
	 */
	boolean end(LockStatus status) {
		if (this.phase != Phase.WAITING) {
			return false;
		}
		this.phase = Phase.ENDED;
		Throwable failure = this.lastFailure;
		if (status == LockStatus.TIMED_OUT && failure != null) {
			this.result = LockResult.failed(failure, waited());
		}
		else if (status == LockStatus.FAILED) {
			this.result = LockResult.failed((failure != null) ? failure : new LockException("Lock attempt failed"),
					waited());
		}
		else {
			this.result = LockResult.notAcquired(status, waited());
		}
		return true;
	}

	void renewed(long newLeaseDeadline) {
		this.leaseDeadline = newLeaseDeadline;
		this.renewals++;
	}

	/**
	 * Marks the held lease lost.
	 * @return what the handle throws from now on, or {@code null} if it was not held
	 */
	@Nullable LockLostException lose(String reason, @Nullable Throwable cause) {
		if (this.phase != Phase.HELD) {
			return null;
		}
		this.phase = Phase.LOST;
		String message = "Lost the lease of lock '" + this.request.key() + "' (name '" + this.request.name()
				+ "', fencing token " + this.token + "): " + reason;
		return (cause != null) ? new LockLostException(message, cause) : new LockLostException(message);
	}

	/**
	 * Marks the lock released by its handle.
	 * @return the phase before, {@link Phase#HELD} or {@link Phase#LOST}, or {@code null} if there
	 * was nothing to release
	 */
	@Nullable Phase release() {
		Phase before = this.phase;
		if (before != Phase.HELD && before != Phase.LOST) {
			return null;
		}
		this.phase = Phase.RELEASED;
		return before;
	}

	/** Reports a lease found lost only when the release reached the backend. */
	void reportLostBeforeRelease() {
		logger.warn("Lock '{}' (name '{}', fencing token {}) was no longer held when released: its lease had "
				+ "expired", this.request.key(), this.request.name(), this.token);
		notifyTracker(AcquisitionTracker::lost);
	}

	void notifyTracker(Consumer<AcquisitionTracker> event) {
		try {
			event.accept(this.tracker);
		}
		catch (RuntimeException ex) {
			logger.warn("Lock listener failed for lock '{}'", this.request.key(), ex);
		}
	}

	String describe() {
		return switch (this.phase) {
			case WAITING -> "not acquired yet";
			case HELD -> "its lease expired";
			case LOST -> "its lease was lost";
			case RELEASED -> "it was released";
			case ENDED -> "it was not acquired";
		};
	}

	LocalLockState localState(int waiting) {
		boolean held = isHeldNow();
		long remaining = this.leaseDeadline - System.nanoTime();
		return new LocalLockState(this.request.key(), this.request.name(), held, held ? this.token : -1,
				held ? this.acquiredAt : null, held ? Duration.ofNanos(Math.max(0, remaining)) : Duration.ZERO,
				held ? this.renewals : 0, waiting, LocalLockState.modeOf(this.request));
	}

	private Duration waited() {
		return Duration.ofNanos(System.nanoTime() - this.requestedAt);
	}

}
