package io.distlock.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What to lock and for how long: a key, its lease, how long to wait, the name that tags its
 * meters, whether the lease is renewed while held, and the kind of lock: exclusive (a mutex, or
 * with {@code permits > 1} a semaphore) or shared. Validates itself.
 *
 * @param key the lock key; the same key names the same lock in every process sharing a backend
 * @param ttl the lease: how long the lock outlives a holder that stops renewing it (or dies)
 * @param waitTime how long to wait for the lock; {@link Duration#ZERO} tries once
 * @param name the bounded name that tags meters, never the per-call key
 * @param autoRenew whether the lease is renewed while the lock is held
 * @param mode exclusive (the default) or shared
 * @param permits how many exclusive holders the key may have at once (1: a mutex); 1 for shared
 * @since 1.0.0
 */
public record LockRequest(String key, Duration ttl, Duration waitTime, String name, boolean autoRenew,
		LockMode mode, int permits) {

	/** The longest key accepted, in characters. */
	public static final int MAX_KEY_LENGTH = 1024;

	/** The meter name of a lock taken without one. */
	public static final String UNNAMED = "unnamed";

	public LockRequest {
		Objects.requireNonNull(key, "'key' must not be null");
		Objects.requireNonNull(ttl, "'ttl' must not be null");
		Objects.requireNonNull(waitTime, "'waitTime' must not be null");
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(mode, "'mode' must not be null");
		if (key.isBlank()) {
			throw new IllegalArgumentException("Lock key must not be blank");
		}
		if (key.length() > MAX_KEY_LENGTH) {
			throw new IllegalArgumentException("Lock key is " + key.length() + " characters long, more than the "
					+ MAX_KEY_LENGTH + " allowed: '" + key.substring(0, 64) + "...'");
		}
		if (ttl.toMillis() < 1) {
			throw new IllegalArgumentException("Lock ttl must be at least 1ms, got " + ttl + " for key '" + key + "'");
		}
		if (waitTime.isNegative()) {
			throw new IllegalArgumentException("Lock wait time must not be negative, got " + waitTime + " for key '"
					+ key + "'");
		}
		if (name.isBlank()) {
			throw new IllegalArgumentException("Lock name must not be blank for key '" + key + "'");
		}
		if (permits < 1) {
			throw new IllegalArgumentException("Lock permits must be at least 1, got " + permits + " for key '" + key
					+ "'");
		}
		if (mode == LockMode.SHARED && permits != 1) {
			throw new IllegalArgumentException("A SHARED lock admits any number of holders, so its permits must be 1, got "
					+ permits + " for key '" + key + "'");
		}
	}

	/**
	 * An exclusive request for one holder at a time (a mutex).
	 * @param key the lock key
	 * @param ttl the lease
	 * @param waitTime how long to wait for the lock
	 * @param name the bounded name that tags meters
	 * @param autoRenew whether the lease is renewed while the lock is held
	 */
	public LockRequest(String key, Duration ttl, Duration waitTime, String name, boolean autoRenew) {
		this(key, ttl, waitTime, name, autoRenew, LockMode.EXCLUSIVE, 1);
	}

	/**
	 * A renewed request named {@value #UNNAMED} that tries once.
	 * @param key the lock key
	 * @param ttl the lease
	 * @return the request
	 */
	public static LockRequest of(String key, Duration ttl) {
		return new LockRequest(key, ttl, Duration.ZERO, UNNAMED, true);
	}

	/**
	 * This request for another key.
	 * @param key the lock key
	 * @return a new request
	 */
	public LockRequest withKey(String key) {
		return new LockRequest(key, this.ttl, this.waitTime, this.name, this.autoRenew, this.mode, this.permits);
	}

	/**
	 * This request with another wait bound.
	 * @param waitTime how long to wait
	 * @return a new request
	 */
	public LockRequest withWaitTime(Duration waitTime) {
		return new LockRequest(this.key, this.ttl, waitTime, this.name, this.autoRenew, this.mode, this.permits);
	}

	/**
	 * This request with another meter name.
	 * @param name the bounded lock name
	 * @return a new request
	 */
	public LockRequest withName(String name) {
		return new LockRequest(this.key, this.ttl, this.waitTime, name, this.autoRenew, this.mode, this.permits);
	}

	/**
	 * This request with renewal switched on or off.
	 * @param autoRenew whether to renew the lease while held
	 * @return a new request
	 */
	public LockRequest withAutoRenew(boolean autoRenew) {
		return new LockRequest(this.key, this.ttl, this.waitTime, this.name, autoRenew, this.mode, this.permits);
	}

	/**
	 * This request in another mode.
	 * @param mode exclusive or shared
	 * @return a new request
	 * @throws IllegalArgumentException when shared with permits other than 1
	 */
	public LockRequest withMode(LockMode mode) {
		return new LockRequest(this.key, this.ttl, this.waitTime, this.name, this.autoRenew, mode, this.permits);
	}

	/**
	 * This request with another number of permits: how many holders the key may have at once.
	 * @param permits at least 1; 1 is a mutex
	 * @return a new request
	 * @throws IllegalArgumentException when below 1, or other than 1 for a shared request
	 */
	public LockRequest withPermits(int permits) {
		return new LockRequest(this.key, this.ttl, this.waitTime, this.name, this.autoRenew, this.mode, permits);
	}

	/**
	 * Whether one holder has the key to itself: exclusive with one permit.
	 * @return {@code true} for a mutex
	 */
	public boolean isMutex() {
		return this.mode == LockMode.EXCLUSIVE && this.permits == 1;
	}

}
