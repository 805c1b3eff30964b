package io.distlock.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names a {@code distlock.acquire} observation and its key values. Declare a bean of this type
 * (for example a subclass of {@link DefaultLockAcquireObservationConvention}) to replace the
 * default.
 *
 * @since 1.0.0
 */
public interface LockAcquireObservationConvention extends ObservationConvention<LockAcquireContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof LockAcquireContext;
	}

}
