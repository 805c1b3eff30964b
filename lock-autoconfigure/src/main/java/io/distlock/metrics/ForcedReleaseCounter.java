package io.distlock.metrics;

import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.distlock.core.HeldLock;
import io.distlock.core.LockListener;
import io.distlock.core.LockRequest;

/**
 * Counts the locks this process released by force in the {@code distlock.forced} counter,
 * tagged with the lock's name as its holder recorded it ({@code unnamed} when it recorded none).
 * It observes no requests.
 *
 * @since 1.0.0
 */
public final class ForcedReleaseCounter implements LockListener {

	private final MeterRegistry registry;

	/**
	 * Creates a listener counting into {@code registry}.
	 * @param registry the meter registry
	 */
	public ForcedReleaseCounter(MeterRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "'registry' must not be null");
	}

	@Override
	public AcquisitionTracker requested(LockRequest request) {
		return AcquisitionTracker.NO_OP;
	}

	/**
	 * No: it only counts forced releases.
	 */
	@Override
	public boolean observesRequests() {
		return false;
	}

	@Override
	public void forcedRelease(HeldLock evicted) {
		Counter.builder("distlock.forced")
			.description("Locks released by force, by an operator")
			.tag("name", (evicted.name() != null) ? evicted.name() : LockRequest.UNNAMED)
			.register(this.registry)
			.increment();
	}

}
