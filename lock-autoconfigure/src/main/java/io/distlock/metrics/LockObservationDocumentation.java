package io.distlock.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The lock observations and their keys. With Micrometer's default meter handler,
 * {@link #ACQUIRE} yields the {@code distlock.acquire} timer and {@code distlock.acquire.active}
 * long task timer, and {@link #HELD} the {@code distlock.held} timer and
 * {@code distlock.held.active} long task timer; the low cardinality keys become their tags.
 *
 * @since 1.0.0
 */
public enum LockObservationDocumentation implements ObservationDocumentation {

	/** A lock request, from the moment it is made until it has an outcome. */
	ACQUIRE {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultLockAcquireObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LockKeyNames.NAME, LockKeyNames.OUTCOME, LockKeyNames.CONTENDED,
					LockKeyNames.KEYS, LockKeyNames.MODE };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { LockKeyNames.FENCING_TOKEN };
		}

	},

	/** An acquired lock, until it is released or its lease is lost. */
	HELD {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultLockHeldObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LockKeyNames.NAME, LockKeyNames.KEYS, LockKeyNames.MODE };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { LockKeyNames.FENCING_TOKEN };
		}

	};

	/**
	 * The keys of the lock observations. Low cardinality keys carry only bounded values: the
	 * lock's name, never its per-call key.
	 *
	 * @since 1.0.0
	 */
	public enum LockKeyNames implements KeyName {

		/** The lock's bounded name (low cardinality). */
		NAME("name"),

		/** The request's outcome: {@code acquired}, {@code timed_out}, {@code rejected}, {@code cancelled}, {@code failed} (low cardinality). */
		OUTCOME("outcome"),

		/** Whether another holder had the lock at the first attempt (low cardinality). */
		CONTENDED("contended"),

		/** How many keys the request locks: {@code 1}, {@code 2-4}, {@code 5-16}, {@code more} (low cardinality). */
		KEYS("keys"),

		/** The kind of lock: {@code exclusive} (a mutex or a permit) or {@code shared} (low cardinality). */
		MODE("mode"),

		/** The acquisition's fencing token, on spans only (high cardinality). */
		FENCING_TOKEN("fencing.token");

		private final String key;

		LockKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
