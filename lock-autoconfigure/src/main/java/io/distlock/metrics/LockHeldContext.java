package io.distlock.metrics;

import java.util.Objects;

import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;

/**
 * The context of a {@code distlock.held} observation: an acquired lock from its acquisition until
 * it is released or its lease is lost.
 *
 * @since 1.0.0
 */
public class LockHeldContext extends LockObservationContext {

	private final LockResult acquisition;

	private boolean ended;

	/**
	 * Creates a context for a lock that {@code request} acquired.
	 * @param request the lock request
	 * @param acquisition its outcome, {@link io.distlock.core.LockStatus#ACQUIRED}
	 */
	public LockHeldContext(LockRequest request, LockResult acquisition) {
		this(request, acquisition, 1);
	}

	/**
	 * Creates a context for the locks that a request of {@code keys} keys acquired.
	 * @param request the request of its first key
	 * @param acquisition its outcome, {@link io.distlock.core.LockStatus#ACQUIRED}
	 * @param keys how many keys it locks
	 */
	public LockHeldContext(LockRequest request, LockResult acquisition, int keys) {
		super(request, keys);
		this.acquisition = Objects.requireNonNull(acquisition, "'acquisition' must not be null");
	}

	/**
	 * The acquisition that began the hold: its fencing token and how long it waited.
	 * @return the acquisition's outcome
	 */
	public LockResult getAcquisition() {
		return this.acquisition;
	}

	/**
	 * Whether the hold has ended: the lock was released or its lease lost.
	 * @return {@code false} while the lock is held
	 */
	public boolean isEnded() {
		return this.ended;
	}

	/**
	 * Records that the hold has ended, before the observation stops.
	 */
	public void markEnded() {
		this.ended = true;
	}

}
