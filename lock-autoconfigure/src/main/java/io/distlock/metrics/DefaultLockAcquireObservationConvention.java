package io.distlock.metrics;

import java.util.Locale;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.metrics.LockObservationDocumentation.LockKeyNames;

/**
 * The default {@link LockAcquireObservationConvention}: the observation {@code distlock.acquire},
 * tagged with the lock's name and, once the request has an outcome, that outcome, its contention,
 * how many keys it locks and its mode ({@code exclusive}, permits included, or {@code shared}); the
 * fencing token of an acquired lock goes on the span only. Extend it to add or change key values.
 *
 * @since 1.0.0
 */
public class DefaultLockAcquireObservationConvention implements LockAcquireObservationConvention {

	/** A shared instance. */
	public static final DefaultLockAcquireObservationConvention INSTANCE = new DefaultLockAcquireObservationConvention();

	private static final KeyValue[] OUTCOMES = new KeyValue[LockStatus.values().length];

	static {
		for (LockStatus status : LockStatus.values()) {
			OUTCOMES[status.ordinal()] = LockKeyNames.OUTCOME.withValue(status.name().toLowerCase(Locale.ROOT));
		}
	}

	private static final KeyValue CONTENDED = LockKeyNames.CONTENDED.withValue("true");

	private static final KeyValue UNCONTENDED = LockKeyNames.CONTENDED.withValue("false");

	@Override
	public String getName() {
		return "distlock.acquire";
	}

	@Override
	public String getContextualName(LockAcquireContext context) {
		return "lock " + context.getRequest().name();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(LockAcquireContext context) {
		KeyValue name = LockKeyNames.NAME.withValue(context.getRequest().name());
		LockResult result = context.getResult();
		if (result == null) {
			// At start: the tags of distlock.acquire.active, which cannot wait for the outcome.
			return KeyValues.of(name);
		}
		return KeyValues.of(name, OUTCOMES[result.status().ordinal()],
				context.isContended() ? CONTENDED : UNCONTENDED,
				LockKeyNames.KEYS.withValue(KeyCount.bucket(context.getKeys())),
				ModeTag.of(context.getRequest().mode()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(LockAcquireContext context) {
		LockResult result = context.getResult();
		if (result == null || !result.acquired()) {
			return KeyValues.empty();
		}
		return KeyValues.of(LockKeyNames.FENCING_TOKEN.withValue(Long.toString(result.fencingToken())));
	}

}
