package io.distlock.core.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.distlock.core.HeldLock;
import io.distlock.core.HeldLocksPage;
import io.distlock.core.LockMode;

/**
 * One lock store (Redis, ZooKeeper) as the backend-neutral machinery sees it: single attempts,
 * owner-checked release and renewal, and release notifications. The machinery guarantees that
 * per key and process at most one attempt is in flight, so a backend sees one contender per
 * process.
 * <p>
 * Every method may block on I/O; the machinery calls them from its own threads or from a
 * caller that chose to block. Implementations are thread-safe. Failures are thrown as runtime
 * exceptions; the machinery treats any exception from {@link #tryAcquire} as an attempt whose
 * outcome is unknown and releases it later.
 *
 * @since 1.0.0
 */
public interface LockBackend extends AutoCloseable {

	/**
	 * One attempt to take the lock for {@code owner}. Attempting again with the same owner while
	 * it holds the lock succeeds again with the same fencing token and a fresh lease.
	 * @param key the lock key
	 * @param owner the per-acquisition owner token
	 * @param ttl the lease to set
	 * @param waitRemaining how long the caller may still wait, so the backend can tell other
	 * holders someone waits
	 * @return acquired with a fencing token, or busy with a hint when to try again
	 */
	AcquireOutcome tryAcquire(String key, String owner, Duration ttl, Duration waitRemaining);

	/**
	 * As {@link #tryAcquire(String, String, Duration, Duration)}, recording beside the lock what
	 * operators see of it ({@link #heldLocks}): the lock's name. The default leaves it out.
	 * @param attempt the key, its owner, lease and name
	 * @param waitRemaining how long the caller may still wait
	 * @return acquired with a fencing token, or busy with a hint when to try again
	 */
	default AcquireOutcome tryAcquire(Attempt attempt, Duration waitRemaining) {
		if (!attempt.isMutex()) {
			throw new UnsupportedOperationException(getClass().getSimpleName() + " has no shared locks or permits");
		}
		return tryAcquire(attempt.key(), attempt.owner(), attempt.ttl(), waitRemaining);
	}

	/**
	 * Whether {@link #tryAcquire(Attempt, Duration)} takes every kind of lock: shared ones and
	 * permits as well as mutexes. Such a backend also releases and renews a share or a permit by
	 * its owner token, as it does a mutex; a shared or permit acquisition's fencing token is above
	 * every earlier token of its key, and so is every later exclusive one. The default:
	 * {@code false}, mutexes only.
	 * @return {@code true} if shared locks and permits are supported
	 */
	default boolean supportsLockKinds() {
		return false;
	}

	/**
	 * One page of the locks held in this backend by every process, for operators: bounded, and
	 * never blocking the backend for long.
	 * @param cursor the previous page's {@link HeldLocksPage#next()}, or {@code null} to start
	 * @param limit about how many locks the page holds, at least 1
	 * @return the page
	 * @throws UnsupportedOperationException when this backend cannot list its locks (the default)
	 * @throws IllegalArgumentException when the cursor is not one this backend gave out
	 */
	default HeldLocksPage heldLocks(@Nullable String cursor, int limit) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list the locks it holds");
	}

	/**
	 * Frees the lock whoever holds it, for operators. Waiters of every process hear of it as of a
	 * release; the next token given out for the key exceeds the evicted holder's (and those it
	 * handed on in memory); the evicted owner's later renewals answer
	 * {@link RenewalOutcome#EVICTED}, and its later release changes nothing.
	 * @param key the lock key
	 * @return the lock as it was held and its evicted owner, or {@code null} when nothing held it
	 * @throws UnsupportedOperationException when this backend cannot release by force (the default)
	 */
	default @Nullable ForcedRelease forceRelease(String key) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot release a lock by force");
	}

	/**
	 * Which keys one {@link #tryAcquireAll} call can take together: those of one non-negative
	 * group. It must be the same in every process, since multi-key requests take their keys in
	 * order of group first. The default, {@code -1}: every key is taken alone.
	 * @param key the lock key
	 * @return the key's group, or {@code -1}
	 */
	default int acquireGroup(String key) {
		return -1;
	}

	/**
	 * One attempt at several keys of one {@link #acquireGroup group}, in their order, as
	 * consecutive {@link #tryAcquire} calls for new owners would make them, stopping at the first
	 * key that is not free (whose wait is recorded as {@link #tryAcquire} records it). The default
	 * makes those calls; a backend that can takes the keys in one call.
	 * @param attempts the keys with their owners and leases, at least one
	 * @param waitRemaining how long the caller may still wait
	 * @return one outcome per key tried: acquired ones, then at most one busy one; the keys after
	 * a busy one were not tried
	 */
	default List<AcquireOutcome> tryAcquireAll(List<Attempt> attempts, Duration waitRemaining) {
		List<AcquireOutcome> outcomes = new ArrayList<>(attempts.size());
		for (Attempt attempt : attempts) {
			AcquireOutcome outcome = tryAcquire(attempt, waitRemaining);
			outcomes.add(outcome);
			if (!outcome.acquired()) {
				break;
			}
		}
		return outcomes;
	}

	/**
	 * Releases the lock if {@code owner} holds it. When {@code next} is given the backend may hand
	 * the lock straight to it in the same call (new owner, new fencing token, new lease); it may
	 * also decline, for example to be fair to waiters in other processes.
	 * @param key the lock key
	 * @param owner the releasing owner token
	 * @param fencingToken the releasing holder's fencing token: the one the backend gave out, or
	 * higher after {@link #handsOffInMemory() in-memory hand-offs}; every token given out later
	 * must exceed it
	 * @param next the local waiter to hand the lock to, or {@code null}
	 * @return what happened
	 */
	ReleaseOutcome release(String key, String owner, long fencingToken, @Nullable HandOff next);

	/**
	 * Whether the machinery may hand a held lease to the next waiter of this process in memory,
	 * without calling the backend: the waiter then holds the same lease (same owner token, same
	 * expiry) with the previous fencing token plus one. A backend answers {@code true} only if the
	 * tokens it gives out later always exceed those: up to the token passed to {@link #release},
	 * and up to the lease's own token plus {@link io.distlock.core.LockSettings#MAX_LOCAL_HAND_OFFS}
	 * when the lease ends without a release.
	 * @return {@code true} if in-memory hand-offs keep fencing tokens increasing
	 */
	default boolean handsOffInMemory() {
		return false;
	}

	/**
	 * Whether a lock this backend granted ends by itself once its ttl passes unrenewed, as a Redis
	 * lease does. A backend whose locks outlive their ttl (a ZooKeeper node lives with its session)
	 * answers {@code false}, and the machinery then gives back a lock it counts as lost.
	 * @return {@code true} if an unrenewed lock expires in the backend
	 */
	default boolean expiresLocks() {
		return true;
	}

	/**
	 * Tells the backend this process no longer waits for {@code key}, so it can forget what
	 * {@link #tryAcquire} recorded about the waiter. Advisory: a backend that recorded nothing
	 * does nothing, and a failure only costs fairness until that record expires.
	 * @param key the lock key
	 */
	void abandon(String key);

	/**
	 * Sets the lease of a lock {@code owner} holds to {@code ttl} from now.
	 * @param key the lock key
	 * @param owner the owner token
	 * @param ttl the new lease
	 * @return {@code true} if renewed, {@code false} if {@code owner} no longer holds the lock
	 */
	boolean renew(String key, String owner, Duration ttl);

	/**
	 * Renews many leases at once, in as few round trips as the backend allows (the engine batches
	 * the leases due together). Each renewal is owner-checked on its own: a refused one affects no
	 * other. The default renews one by one.
	 * @param renewals the leases to renew
	 * @return one outcome per renewal, in the same order; {@link RenewalOutcome#UNACKNOWLEDGED}
	 * and {@link RenewalOutcome#EVICTED} only from backends that can tell
	 * @throws RuntimeException when the batch failed as a whole: no renewal is known to have happened
	 */
	default List<RenewalOutcome> renewAll(List<Renewal> renewals) {
		List<RenewalOutcome> outcomes = new ArrayList<>(renewals.size());
		for (Renewal renewal : renewals) {
			outcomes.add(renew(renewal.key(), renewal.owner(), renewal.ttl()) ? RenewalOutcome.RENEWED
					: RenewalOutcome.REFUSED);
		}
		return outcomes;
	}

	/**
	 * Starts watching for releases of {@code key} by other processes. {@code onRelease} runs
	 * (on any thread, and must not block) after each such release, and also whenever
	 * notifications may have been missed, for example after the backend reconnected.
	 * @param key the lock key
	 * @param onRelease what to run
	 * @return the watch; close it when no longer needed
	 */
	ReleaseWatch watch(String key, Runnable onRelease);

	/**
	 * Runs a harmless lock operation, proving the backend can serve locks now.
	 * @throws RuntimeException the backend's failure when it cannot
	 */
	void check();

	/**
	 * Starts the threads the backend needs, before any lock operation; called once, by the
	 * engine's own start. A backend that starts nothing does nothing.
	 */
	default void start() {
	}

	/**
	 * Starts reporting connection changes that affect held locks to {@code events}; called once,
	 * before any other method. A backend that learns of lost locks only through {@link #renew}
	 * (the default) reports nothing.
	 * @param events where to report
	 */
	default void observe(BackendEvents events) {
	}

	/**
	 * Closes connections and threads the backend owns.
	 */
	@Override
	void close();

	/**
	 * A local waiter a released lock may be handed to.
	 *
	 * @param owner the waiter's owner token
	 * @param ttl the waiter's lease
	 * @since 1.0.0
	 */
	record HandOff(String owner, Duration ttl) {
	}

	/**
	 * One acquisition attempt, also one key of a {@link #tryAcquireAll} call (mutexes only).
	 *
	 * @param key the lock key
	 * @param owner the acquisition's owner token
	 * @param ttl the lease to set
	 * @param name the lock's name, as its request gives it
	 * @param mode exclusive or shared
	 * @param permits how many exclusive holders the key may have at once; 1 for shared
	 * @since 1.0.0
	 */
	record Attempt(String key, String owner, Duration ttl, String name, LockMode mode, int permits) {

		/**
		 * An attempt at a mutex.
		 * @param key the lock key
		 * @param owner the acquisition's owner token
		 * @param ttl the lease to set
		 * @param name the lock's name
		 */
		public Attempt(String key, String owner, Duration ttl, String name) {
			this(key, owner, ttl, name, LockMode.EXCLUSIVE, 1);
		}

		/**
		 * Whether this attempt is at a mutex: exclusive with one permit.
		 * @return {@code true} for a mutex
		 */
		public boolean isMutex() {
			return this.mode == LockMode.EXCLUSIVE && this.permits == 1;
		}

	}

	/**
	 * What {@link #forceRelease} freed.
	 *
	 * @param lock the lock as it was held, for operators
	 * @param owner the evicted owner token, so the process holding it can tell its holder at once
	 * @since 1.0.0
	 */
	record ForcedRelease(HeldLock lock, String owner) {
	}

	/**
	 * One lease to renew in a batch.
	 *
	 * @param key the lock key
	 * @param owner the owner token the lease is held by
	 * @param ttl the new lease
	 * @since 1.0.0
	 */
	record Renewal(String key, String owner, Duration ttl) {
	}

}
