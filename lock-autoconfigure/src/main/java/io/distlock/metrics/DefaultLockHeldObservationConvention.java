package io.distlock.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import io.distlock.metrics.LockObservationDocumentation.LockKeyNames;

/**
 * The default {@link LockHeldObservationConvention}: the observation {@code distlock.held},
 * tagged with the lock's name and, once the hold has ended, how many keys it locks and its mode
 * ({@code exclusive}, permits included, or {@code shared}); the fencing token goes on the span
 * only. Extend it to add or change key values.
 *
 * @since 1.0.0
 */
public class DefaultLockHeldObservationConvention implements LockHeldObservationConvention {

	/** A shared instance. */
	public static final DefaultLockHeldObservationConvention INSTANCE = new DefaultLockHeldObservationConvention();

	@Override
	public String getName() {
		return "distlock.held";
	}

	@Override
	public String getContextualName(LockHeldContext context) {
		return "hold " + context.getRequest().name();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(LockHeldContext context) {
		KeyValue name = LockKeyNames.NAME.withValue(context.getRequest().name());
		if (!context.isEnded()) {
			// At start: the tags of distlock.held.active, which are the name alone, as on the direct path.
			return KeyValues.of(name);
		}
		return KeyValues.of(name, LockKeyNames.KEYS.withValue(KeyCount.bucket(context.getKeys())),
				ModeTag.of(context.getRequest().mode()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(LockHeldContext context) {
		return KeyValues.of(
				LockKeyNames.FENCING_TOKEN.withValue(Long.toString(context.getAcquisition().fencingToken())));
	}

}
