package io.distlock.core;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Callable;

/**
 * Hands out distributed locks. Requests return a {@link LockHandle} at once and acquire in the
 * background, so acquisition is asynchronous at heart; the blocking methods are conveniences on
 * top.
 * <p>
 * Locks taken through {@link #lock(String, Duration)} renew their lease while held: always
 * release them, best with try-with-resources. Use {@link #lock(LockRequest)} with
 * {@link LockRequest#withAutoRenew(boolean)} for a lease that simply runs out.
 *
 * @since 1.0.0
 */
public interface LockManager extends AutoCloseable {

	/**
	 * Requests a lock that waits up to the manager's default wait time.
	 * @param key the lock key
	 * @param ttl the lease
	 * @return the handle, at once
	 */
	LockHandle lock(String key, Duration ttl);

	/**
	 * Requests a lock with its own wait bound.
	 * @param key the lock key
	 * @param ttl the lease
	 * @param waitTime how long to wait
	 * @return the handle, at once
	 */
	default LockHandle lock(String key, Duration ttl, Duration waitTime) {
		return lock(LockRequest.of(key, ttl).withWaitTime(waitTime));
	}

	/**
	 * Requests a lock described in full.
	 * @param request what to lock
	 * @return the handle, at once
	 */
	LockHandle lock(LockRequest request);

	/**
	 * Requests every key of a set at once: the handle holds all of them or none. Keys are taken
	 * in one order, the same in every process (natural order; on a Redis Cluster by hash slot
	 * first), so requests whose sets overlap cannot deadlock; each waits for what is left of
	 * {@code waitTime}. Keys the backend can take in one call (all keys on a standalone Redis, the
	 * keys of one slot on a cluster) are taken in one call. A request that times out, is cancelled
	 * or fails releases the keys it took before it ends. Release and renewal cover every key, and
	 * losing any key's lease marks the whole handle lost.
	 * @param keys the keys, at least one; duplicates count once
	 * @param ttl the lease of each key
	 * @param waitTime how long to wait for all of them
	 * @return the handle, at once; {@link LockHandle#fencingTokens()} gives each key's token
	 * @throws IllegalArgumentException if {@code keys} is empty or holds a null or invalid key
	 */
	default LockHandle lockAll(Collection<String> keys, Duration ttl, Duration waitTime) {
		return lockAll(keys, LockRequest.of(MultiKeyLock.ANY_KEY, ttl).withWaitTime(waitTime));
	}

	/**
	 * As {@link #lockAll(Collection, Duration, Duration)}, each key taken as {@code each} says:
	 * its ttl, wait bound (for all keys together), meter name and renewal.
	 * @param keys the keys, at least one; duplicates count once
	 * @param each the request every key is taken with, {@link LockRequest#withKey its key} replaced
	 * @return the handle, at once
	 * @throws IllegalArgumentException if {@code keys} is empty or holds a null or invalid key
	 */
	default LockHandle lockAll(Collection<String> keys, LockRequest each) {
		return MultiKeyLock.start(MultiKeyLock.Parts.oneByOne(this::lock), keys, each::withKey, LockListener.NO_OP);
	}

	/**
	 * Acquires a lock, blocking until it is acquired.
	 * @param request what to lock
	 * @return the held handle; release it
	 * @throws LockNotAcquiredException if the wait ran out, the request was rejected or cancelled
	 * @throws LockException if the backend failed
	 */
	LockHandle acquire(LockRequest request);

	/**
	 * Runs {@code work} while holding the lock and releases it afterwards, also when it throws.
	 * @param <T> the work's result type
	 * @param request what to lock
	 * @param work what to run while holding it
	 * @return what {@code work} returned
	 * @throws Exception what {@code work} threw
	 */
	default <T> T callWithLock(LockRequest request, Callable<T> work) throws Exception {
		try (LockHandle handle = acquire(request)) {
			return work.call();
		}
	}

	/**
	 * Shuts the manager down: pending requests complete as {@link LockStatus#CANCELLED} and held
	 * locks are released.
	 */
	@Override
	void close();

}
