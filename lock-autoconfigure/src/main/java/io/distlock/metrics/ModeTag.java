package io.distlock.metrics;

import io.micrometer.common.KeyValue;

import io.distlock.core.LockMode;
import io.distlock.metrics.LockObservationDocumentation.LockKeyNames;

/**
 * The {@code mode} key value of the {@code distlock.acquire} and {@code distlock.held}
 * observations, made once per mode: {@code exclusive} (permits included) or {@code shared}.
 */
final class ModeTag {

	private static final KeyValue[] KEY_VALUES = new KeyValue[LockMode.values().length];

	static {
		for (LockMode mode : LockMode.values()) {
			KEY_VALUES[mode.ordinal()] = LockKeyNames.MODE.withValue(mode.tagValue());
		}
	}

	private ModeTag() {
	}

	/**
	 * The key value of a mode.
	 * @param mode the request's mode
	 * @return {@code mode=exclusive} or {@code mode=shared}
	 */
	static KeyValue of(LockMode mode) {
		return KEY_VALUES[mode.ordinal()];
	}

}
