package io.distlock.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What to lock and for how long: a key, its lease, how long to wait, the name that tags its
 * meters and whether the lease is renewed while held. Validates itself.
 *
 * @param key the lock key; the same key names the same lock in every process sharing a backend
 * @param ttl the lease: how long the lock outlives a holder that stops renewing it (or dies)
 * @param waitTime how long to wait for the lock; {@link Duration#ZERO} tries once
 * @param name the bounded name that tags meters, never the per-call key
 * @param autoRenew whether the lease is renewed while the lock is held
 * @since 1.0.0
 */
public record LockRequest(String key, Duration ttl, Duration waitTime, String name, boolean autoRenew) {

	/** The longest key accepted, in characters. */
	public static final int MAX_KEY_LENGTH = 1024;

	/** The meter name of a lock taken without one. */
	public static final String UNNAMED = "unnamed";

	public LockRequest {
		Objects.requireNonNull(key, "'key' must not be null");
		Objects.requireNonNull(ttl, "'ttl' must not be null");
		Objects.requireNonNull(waitTime, "'waitTime' must not be null");
		Objects.requireNonNull(name, "'name' must not be null");
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
		return new LockRequest(key, this.ttl, this.waitTime, this.name, this.autoRenew);
	}

	/**
	 * This request with another wait bound.
	 * @param waitTime how long to wait
	 * @return a new request
	 */
	public LockRequest withWaitTime(Duration waitTime) {
		return new LockRequest(this.key, this.ttl, waitTime, this.name, this.autoRenew);
	}

	/**
	 * This request with another meter name.
	 * @param name the bounded lock name
	 * @return a new request
	 */
	public LockRequest withName(String name) {
		return new LockRequest(this.key, this.ttl, this.waitTime, name, this.autoRenew);
	}

	/**
	 * This request with renewal switched on or off.
	 * @param autoRenew whether to renew the lease while held
	 * @return a new request
	 */
	public LockRequest withAutoRenew(boolean autoRenew) {
		return new LockRequest(this.key, this.ttl, this.waitTime, this.name, autoRenew);
	}

}
