package io.distlock.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One request for a lock and, once acquired, its ownership. Ownership belongs to the handle,
 * never to a thread: any thread may {@link #unlock()} it. Every method is thread-safe.
 *
 * @since 1.0.0
 */
public interface LockHandle extends AutoCloseable {

	/**
	 * The key this handle locks.
	 * @return the key, without any backend prefix
	 */
	String key();

	/**
	 * How this handle holds its key: exclusive (a mutex, or one of {@link #permits()}) or shared.
	 * @return the mode its request asked for
	 */
	default LockMode mode() {
		return LockMode.EXCLUSIVE;
	}

	/**
	 * How many exclusive holders the key may have at once, as its request asked: 1 for a mutex
	 * and for a shared lock.
	 * @return the permits
	 */
	default int permits() {
		return 1;
	}

	/**
	 * Blocks until the request has an outcome, which comes no later than its wait bound (plus
	 * the backend's connection timeout). Interrupting the waiting thread cancels the request.
	 * @return the outcome
	 */
	LockResult await();

	/**
	 * The outcome without blocking.
	 * @return a future completed with the outcome; it never completes exceptionally
	 */
	CompletableFuture<LockResult> result();

	/**
	 * Whether this handle holds its lock now: acquired, not released, and the lease not known to
	 * be lost or expired.
	 * @return {@code true} while held
	 */
	boolean isHeld();

	/**
	 * Completes when the lease of the acquired lock is known lost before release: renewal was
	 * refused or failed until the lease ran out, or a lease without renewal expired. It never
	 * completes for a lock released first, or never acquired.
	 * @return the future, completed on a distlock thread with what {@link #assertHeld()} throws
	 * from then on; its cause is the backend failure when renewal failed rather than was refused
	 */
	CompletableFuture<LockLostException> leaseLost();

	/**
	 * Throws unless {@link #isHeld()}.
	 * @throws LockLostException if the lock is not held
	 */
	void assertHeld();

	/**
	 * The acquisition's fencing token: strictly greater than every earlier holder's token for
	 * this key. Pass it to what the critical section writes so stale holders can be refused.
	 * @return the token, or {@code -1} while not acquired
	 */
	long fencingToken();

	/**
	 * Each key's fencing token: for a handle of {@link LockManager#lockAll} one entry per key, in
	 * the order the keys are taken, each strictly greater than every earlier token of its key.
	 * @return the tokens by key; a one-entry map of {@link #fencingToken()} for a single key
	 */
	default Map<String, Long> fencingTokens() {
		return Map.of(key(), fencingToken());
	}

	/**
	 * Releases the lock if this handle owns it; does nothing otherwise. Idempotent. Stops
	 * renewal before it returns. A pending request is cancelled.
	 */
	void unlock();

	/**
	 * Releases the lock but lets its lease run on for {@code delay} (the minimum hold of
	 * scheduled jobs), without renewal. A zero or negative delay unlocks at once.
	 * @param delay how long the lease must still last
	 */
	void unlockAfter(Duration delay);

	/**
	 * Stops waiting, completing the request as {@link LockStatus#CANCELLED}; releases the lock
	 * if it was already acquired.
	 */
	void cancel();

	/**
	 * Same as {@link #unlock()}, for try-with-resources.
	 */
	@Override
	void close();

}
