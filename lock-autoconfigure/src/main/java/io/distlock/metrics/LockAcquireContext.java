package io.distlock.metrics;

import org.jspecify.annotations.Nullable;

import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;

/**
 * The context of a {@code distlock.acquire} observation: a request from the moment it is made
 * until it has an outcome, which is known only when the observation stops.
 *
 * @since 1.0.0
 */
public class LockAcquireContext extends LockObservationContext {

	private @Nullable LockResult result;

	private boolean contended;

	/**
	 * Creates a context for {@code request}, before it has an outcome.
	 * @param request the lock request
	 */
	public LockAcquireContext(LockRequest request) {
		super(request);
	}

	/**
	 * Creates a context for a request of {@code keys} keys at once, before it has an outcome.
	 * @param request the request of its first key
	 * @param keys how many keys it locks
	 */
	public LockAcquireContext(LockRequest request, int keys) {
		super(request, keys);
	}

	/**
	 * The outcome of the request.
	 * @return the outcome, or {@code null} while the request has none
	 */
	public @Nullable LockResult getResult() {
		return this.result;
	}

	/**
	 * Whether another holder had the lock at the request's first attempt.
	 * @return {@code true} if contended; {@code false} also while the request has no outcome
	 */
	public boolean isContended() {
		return this.contended;
	}

	/**
	 * Records the request's outcome, before the observation stops.
	 * @param result the outcome
	 * @param contended whether another holder had the lock at the first attempt
	 */
	public void setOutcome(LockResult result, boolean contended) {
		this.result = result;
		this.contended = contended;
	}

}
