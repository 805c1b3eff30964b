package io.distlock.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names a {@code distlock.held} observation and its key values. Declare a bean of this type
 * (for example a subclass of {@link DefaultLockHeldObservationConvention}) to replace the
 * default.
 *
 * @since 1.0.0
 */
public interface LockHeldObservationConvention extends ObservationConvention<LockHeldContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof LockHeldContext;
	}

}
