package io.distlock.metrics;

import java.util.Objects;

import io.micrometer.observation.Observation;

import io.distlock.core.LockRequest;

/**
 * What every lock observation knows: the request it is about. Conventions read the lock's
 * bounded {@link LockRequest#name() name} from it; its per-call {@link LockRequest#key() key} is
 * there too, for a convention that chooses to put it on spans.
 *
 * @since 1.0.0
 */
public abstract class LockObservationContext extends Observation.Context {

	private final LockRequest request;

	/**
	 * Creates a context for {@code request}.
	 * @param request the lock request
	 */
	protected LockObservationContext(LockRequest request) {
		this.request = Objects.requireNonNull(request, "'request' must not be null");
	}

	/**
	 * The request this observation is about.
	 * @return the lock request
	 */
	public LockRequest getRequest() {
		return this.request;
	}

}
