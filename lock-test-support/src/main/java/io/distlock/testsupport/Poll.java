package io.distlock.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by polling it.
 *
 * @since 1.0.0
 */
final class Poll {

	private static final long INTERVAL_MILLIS = 20;

	private Poll() {
	}

	/**
	 * Polls {@code condition} until it holds or {@code timeout} passes.
	 * @param timeout how long to keep polling
	 * @param condition the condition, polled at least once
	 * @return whether the condition held in time
	 */
	static boolean until(Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			try {
				Thread.sleep(INTERVAL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting", ex);
			}
		}
		return true;
	}

}
