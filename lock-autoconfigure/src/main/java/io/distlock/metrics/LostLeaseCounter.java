package io.distlock.metrics;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.distlock.core.LockListener;
import io.distlock.core.LockRequest;

/**
 * Counts leases lost before release in the {@code distlock.lost} counter, tagged with the lock's
 * name. {@link MicrometerLockListener} counts them itself; this listener goes beside
 * {@link ObservationLockListener}, as observations have no counter of their own name.
 *
 * @since 1.0.0
 */
public final class LostLeaseCounter implements LockListener {

	private final MeterRegistry registry;

	private final ConcurrentHashMap<String, AcquisitionTracker> trackers = new ConcurrentHashMap<>();

	/**
	 * Creates a listener counting into {@code registry}.
	 * @param registry the meter registry
	 */
	public LostLeaseCounter(MeterRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "'registry' must not be null");
	}

	@Override
	public AcquisitionTracker requested(LockRequest request) {
		// One stateless tracker per name: counting needs nothing of the request beyond its name.
		return this.trackers.computeIfAbsent(request.name(), (name) -> {
			Counter lost = register(this.registry, name);
			return new AcquisitionTracker() {

				@Override
				public void lost() {
					lost.increment();
				}

			};
		});
	}

	/**
	 * Registers the {@code distlock.lost} counter of one lock name.
	 * @param registry the meter registry
	 * @param name the lock's name
	 * @return the counter
	 */
	static Counter register(MeterRegistry registry, String name) {
		return Counter.builder("distlock.lost")
			.description("Leases lost before release: renewal failed or the lease expired")
			.tag("name", name)
			.register(registry);
	}

}
