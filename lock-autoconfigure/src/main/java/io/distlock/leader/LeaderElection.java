package io.distlock.leader;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distlock.core.LockHandle;
import io.distlock.core.LockLostException;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;

/**
 * One node's part in a leader election, on any {@link LockManager}: it contends for the lock
 * {@code leader:<name>}, leads while it holds that lock's renewed lease, and is revoked the
 * moment the lease is known lost, then contends again. Followers wait through the manager's
 * waiting machinery (woken on release), holding no thread. {@link #stop()} releases at once, so
 * another node takes over without waiting for the lease to run out.
 * <p>
 * Leadership is a lease like any lock: a paused leader can outlive it. {@link #isLeader()} turns
 * false as soon as the lease may have run out, and each term's {@link #fencingToken()} lets what
 * the leader writes refuse an earlier term.
 *
 * @since 1.0.0
 */
public final class LeaderElection implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LeaderElection.class);

	private static final Duration FOLLOWER_WAIT = Duration.ofMinutes(1);

	private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);

	private final LockManager locks;

	private final String name;

	private final LockRequest request;

	private final LeadershipListener listener;

	private final ReentrantLock state = new ReentrantLock();

	private boolean running;

	private @Nullable LockHandle pending;

	private volatile @Nullable Term term;

	/**
	 * Creates an election, not yet started.
	 * @param locks the lock manager to contend through
	 * @param name the election's name, the same on every node of the group
	 * @param ttl the leader's lease: how long leadership outlives a crashed leader
	 * @param listener told when leadership starts and ends
	 */
	public LeaderElection(LockManager locks, String name, Duration ttl, LeadershipListener listener) {
		this.locks = Objects.requireNonNull(locks, "'locks' must not be null");
		this.name = Objects.requireNonNull(name, "'name' must not be null");
		this.listener = Objects.requireNonNull(listener, "'listener' must not be null");
		this.request = new LockRequest("leader:" + name, ttl, FOLLOWER_WAIT, "leader:" + name, true);
	}

	/**
	 * Starts contending. Idempotent.
	 */
	public void start() {
		this.state.lock();
		try {
			if (!this.running) {
				this.running = true;
				contend();
			}
		}
		finally {
			this.state.unlock();
		}
	}

	/**
	 * Stops contending and, when leading, yields at once: listeners are told, then the lease is
	 * released. Idempotent.
	 */
	public void stop() {
		Term ended;
		LockHandle waiting;
		this.state.lock();
		try {
			this.running = false;
			ended = this.term;
			this.term = null;
			waiting = this.pending;
			this.pending = null;
		}
		finally {
			this.state.unlock();
		}
		if (waiting != null) {
			waiting.cancel();
		}
		if (ended != null) {
			revoke(ended, RevocationReason.YIELDED);
			ended.handle.unlock();
		}
	}

	@Override
	public void close() {
		stop();
	}

	/**
	 * The election's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Whether this node leads now: it holds the lease and the lease cannot have run out.
	 * @return {@code true} while leading
	 */
	public boolean isLeader() {
		Term current = this.term;
		return current != null && current.handle.isHeld();
	}

	/**
	 * The current term's fencing token.
	 * @return the token, or {@code -1} when not leading
	 */
	public long fencingToken() {
		Term current = this.term;
		return (current != null && current.handle.isHeld()) ? current.handle.fencingToken() : -1;
	}

	/**
	 * When the current term started.
	 * @return the start, or empty when not leading
	 */
	public Optional<Instant> leaderSince() {
		Term current = this.term;
		return (current != null && current.handle.isHeld()) ? Optional.of(current.since) : Optional.empty();
	}

	/**
	 * The lock of the current term, for code that runs as the leader.
	 * @return the handle, or empty when not leading
	 */
	public Optional<LockHandle> leadership() {
		Term current = this.term;
		return (current != null && current.handle.isHeld()) ? Optional.of(current.handle) : Optional.empty();
	}

	/**
	 * Requests the lock; called with the state lock held while running.
	 */
	private void contend() {
		LockHandle handle = this.locks.lock(this.request);
		this.pending = handle;
		handle.result().thenAccept((result) -> decided(handle, result));
	}

	private void decided(LockHandle handle, LockResult result) {
		Term granted = null;
		boolean stale = false;
		this.state.lock();
		try {
			if (this.pending != handle || !this.running) {
				stale = true;
			}
			else {
				this.pending = null;
				if (result.acquired()) {
					granted = new Term(handle, Instant.now());
					this.term = granted;
				}
				else if (result.failure() != null) {
					logger.debug("Leader election '{}' could not contend, retrying", this.name, result.failure());
					contendLater();
				}
				else {
					contend();
				}
			}
		}
		finally {
			this.state.unlock();
		}
		if (stale) {
			handle.unlock();
			return;
		}
		if (granted != null) {
			Term started = granted;
			logger.info("Leading election '{}' (fencing token {})", this.name, handle.fencingToken());
			notify(() -> this.listener.granted(new LeadershipGrantedEvent(this.name, handle.fencingToken())));
			handle.leaseLost().thenAccept((loss) -> lost(started, loss));
		}
	}

	private void lost(Term lostTerm, LockLostException loss) {
		this.state.lock();
		try {
			if (this.term != lostTerm) {
				return;
			}
			this.term = null;
		}
		finally {
			this.state.unlock();
		}
		revoke(lostTerm, (loss.getCause() != null) ? RevocationReason.BACKEND_FAILURE : RevocationReason.LEASE_LOST);
		lostTerm.handle.unlock();
		this.state.lock();
		try {
			if (this.running && this.pending == null) {
				contendLater();
			}
		}
		finally {
			this.state.unlock();
		}
	}

	/**
	 * Contends again after a pause, so a failing backend is not hammered; called with the state
	 * lock held.
	 */
	private void contendLater() {
		CompletableFuture.runAsync(() -> {
			this.state.lock();
			try {
				if (this.running && this.pending == null && this.term == null) {
					contend();
				}
			}
			finally {
				this.state.unlock();
			}
		}, CompletableFuture.delayedExecutor(RETRY_AFTER_FAILURE.toMillis(), TimeUnit.MILLISECONDS));
	}

	private void revoke(Term ended, RevocationReason reason) {
		logger.info("No longer leading election '{}' (fencing token {}): {}", this.name, ended.handle.fencingToken(),
				reason);
		notify(() -> this.listener.revoked(new LeadershipRevokedEvent(this.name, ended.handle.fencingToken(), reason)));
	}

	private void notify(Runnable event) {
		try {
			event.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Leadership listener of election '{}' failed", this.name, ex);
		}
	}

	/**
	 * One term of leadership.
	 */
	private record Term(LockHandle handle, Instant since) {
	}

}
