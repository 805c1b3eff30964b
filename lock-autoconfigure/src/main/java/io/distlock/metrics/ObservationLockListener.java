package io.distlock.metrics;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import io.distlock.core.LockListener;
import io.distlock.core.LockLostException;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;

/**
 * Observes each lock request as a {@code distlock.acquire} observation and each acquired lock as
 * a {@code distlock.held} observation, so the registry's handlers turn them into meters and
 * tracing spans. A {@code FAILED} request and a lost lease are recorded as the observation's
 * error. Costs nothing on {@link ObservationRegistry#NOOP}. Lost leases are not counted here:
 * {@link LostLeaseCounter} counts them.
 *
 * @since 1.0.0
 */
public final class ObservationLockListener implements LockListener {

	private final ObservationRegistry registry;

	private final @Nullable LockAcquireObservationConvention acquireConvention;

	private final @Nullable LockHeldObservationConvention heldConvention;

	/**
	 * Creates a listener with the registry's global conventions, else the default ones.
	 * @param registry the observation registry
	 */
	public ObservationLockListener(ObservationRegistry registry) {
		this(registry, null, null);
	}

	/**
	 * Creates a listener with conventions that replace the default ones.
	 * @param registry the observation registry
	 * @param acquireConvention the convention of {@code distlock.acquire}, or {@code null} for the
	 * registry's global one, else {@link DefaultLockAcquireObservationConvention}
	 * @param heldConvention the convention of {@code distlock.held}, or {@code null} for the
	 * registry's global one, else {@link DefaultLockHeldObservationConvention}
	 */
	public ObservationLockListener(ObservationRegistry registry,
			@Nullable LockAcquireObservationConvention acquireConvention,
			@Nullable LockHeldObservationConvention heldConvention) {
		this.registry = Objects.requireNonNull(registry, "'registry' must not be null");
		this.acquireConvention = acquireConvention;
		this.heldConvention = heldConvention;
	}

	@Override
	public AcquisitionTracker requested(LockRequest request) {
		return requested(request, 1);
	}

	@Override
	public AcquisitionTracker requested(LockRequest request, int keys) {
		if (this.registry.isNoop()) {
			return AcquisitionTracker.NO_OP;
		}
		return new Tracker(request, keys, this.registry.getCurrentObservation());
	}

	/**
	 * The observations of one request.
	 */
	private final class Tracker implements AcquisitionTracker {

		private final LockAcquireContext context;

		private final @Nullable Observation parent;

		private final Observation acquiring;

		private final AtomicReference<@Nullable Hold> holding = new AtomicReference<>();

		Tracker(LockRequest request, int keys, @Nullable Observation parent) {
			this.context = new LockAcquireContext(request, keys);
			this.parent = parent;
			this.acquiring = LockObservationDocumentation.ACQUIRE
				.observation(ObservationLockListener.this.acquireConvention,
						DefaultLockAcquireObservationConvention.INSTANCE, () -> this.context,
						ObservationLockListener.this.registry)
				.parentObservation(parent)
				.start();
		}

		@Override
		public void completed(LockResult result, boolean contended) {
			this.context.setOutcome(result, contended);
			Throwable failure = result.failure();
			if (failure != null) {
				this.acquiring.error(failure);
			}
			this.acquiring.stop();
			if (result.acquired()) {
				LockHeldContext held = new LockHeldContext(this.context.getRequest(), result, this.context.getKeys());
				// A sibling of the acquisition under the caller's observation, whichever thread acquired.
				this.holding.set(new Hold(held, LockObservationDocumentation.HELD
					.observation(ObservationLockListener.this.heldConvention,
							DefaultLockHeldObservationConvention.INSTANCE, () -> held,
							ObservationLockListener.this.registry)
					.parentObservation(this.parent)
					.start()));
			}
		}

		@Override
		public void released() {
			Hold hold = this.holding.getAndSet(null);
			if (hold != null) {
				hold.end();
			}
		}

		@Override
		public void lost() {
			Hold hold = this.holding.getAndSet(null);
			if (hold != null) {
				// The hold ends here: the lock is no longer this process's, though its handle is not released yet.
				hold.observation().error(new LockLostException(
						"The lease of a lock named '" + this.context.getRequest().name() + "' was lost before release"));
				hold.end();
			}
		}

	}

	/**
	 * The observation of an acquired lock and its context, kept beside it because an observation
	 * that a predicate turned off is a no-op one without that context.
	 */
	private record Hold(LockHeldContext context, Observation observation) {

		/** Stops the observation, tagged as an ended hold. */
		void end() {
			this.context.markEnded();
			this.observation.stop();
		}

	}

}
