package io.distlock.metrics;

import java.util.Objects;

import io.micrometer.observation.Observation;

import io.distlock.core.LockRequest;

/**
 * What every lock observation knows: the request it is about. Conventions read the lock's
 * bounded {@link LockRequest#name() name} and {@link LockRequest#mode() mode} from it; its
 * per-call {@link LockRequest#key() key} is there too, for a convention that chooses to put it on
 * spans.
 *
 * @since 1.0.0
 */
public abstract class LockObservationContext extends Observation.Context {

	private final LockRequest request;

	private final int keys;

	/**
	 * Creates a context for {@code request}, of one key.
	 * @param request the lock request
	 */
	protected LockObservationContext(LockRequest request) {
		this(request, 1);
	}

	/**
	 * Creates a context for {@code request}, which locks {@code keys} keys at once.
	 * @param request the lock request; for several keys, that of the first
	 * @param keys how many keys it locks
	 */
	protected LockObservationContext(LockRequest request, int keys) {
		this.request = Objects.requireNonNull(request, "'request' must not be null");
		this.keys = keys;
	}

	/**
	 * The request this observation is about.
	 * @return the lock request
	 */
	public LockRequest getRequest() {
		return this.request;
	}

	/**
	 * How many keys the request locks: one, or more for {@code LockManager.lockAll}.
	 * @return the number of keys
	 */
	public int getKeys() {
		return this.keys;
	}

}
