package io.distlock.core;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What this process holds or waits for on one key, for monitoring.
 *
 * @param key the lock key
 * @param name the lock's meter name
 * @param held whether this process holds the lock now
 * @param fencingToken the holder's fencing token, {@code -1} when not held
 * @param heldSince when the lock was acquired, {@code null} when not held
 * @param leaseRemaining how long the current lease still runs, zero when not held
 * @param renewals how often the current holder renewed its lease
 * @param waiting requests of this process waiting for the key (the holder not counted); a share or
 * a permit has an entry of its own, so its count is 0
 * @param mode how the key is held or asked for: {@link HeldLock#EXCLUSIVE}, {@link HeldLock#SHARED}
 * or {@link HeldLock#PERMITS}
 * @since 1.0.0
 */
public record LocalLockState(String key, String name, boolean held, long fencingToken, @Nullable Instant heldSince,
		Duration leaseRemaining, long renewals, int waiting, String mode) {

	/**
	 * The state of a mutex.
	 * @param key the lock key
	 * @param name the lock's meter name
	 * @param held whether this process holds the lock now
	 * @param fencingToken the holder's fencing token, {@code -1} when not held
	 * @param heldSince when the lock was acquired, {@code null} when not held
	 * @param leaseRemaining how long the current lease still runs, zero when not held
	 * @param renewals how often the current holder renewed its lease
	 * @param waiting requests of this process waiting for the key
	 */
	public LocalLockState(String key, String name, boolean held, long fencingToken, @Nullable Instant heldSince,
			Duration leaseRemaining, long renewals, int waiting) {
		this(key, name, held, fencingToken, heldSince, leaseRemaining, renewals, waiting, HeldLock.EXCLUSIVE);
	}

	/**
	 * The mode a request's kind is shown as.
	 * @param request the request
	 * @return {@link HeldLock#SHARED}, {@link HeldLock#PERMITS} or {@link HeldLock#EXCLUSIVE}
	 */
	static String modeOf(LockRequest request) {
		if (request.mode() == LockMode.SHARED) {
			return HeldLock.SHARED;
		}
		return (request.permits() > 1) ? HeldLock.PERMITS : HeldLock.EXCLUSIVE;
	}

}
