package io.distlock.core;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks of fencing tokens that hold on every backend.
 */
public final class FencingChecks {

	private FencingChecks() {
	}

	/**
	 * Takes and releases {@code key} 20 times, alternating between two managers (two processes
	 * as the backend sees them), asserting that each holder's token exceeds the one before.
	 * @param first one manager
	 * @param second the other
	 * @param key the lock key
	 * @return the last holder's token
	 */
	public static long tokensIncreaseAcrossHolders(LockManager first, LockManager second, String key) {
		long previous = 0;
		for (int i = 0; i < 20; i++) {
			LockManager locks = (i % 2 == 0) ? first : second;
			try (LockHandle handle = locks.acquire(LockRequest.of(key, Duration.ofSeconds(5)))) {
				assertThat(handle.fencingToken()).isGreaterThan(previous);
				previous = handle.fencingToken();
			}
		}
		return previous;
	}

}
