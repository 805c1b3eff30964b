package io.distlock.sample.dashboard;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reads a value until it is ready, for state that the application updates in the background.
 */
final class Poll {

	private static final long INTERVAL_MILLIS = 50;

	private Poll() {
	}

	/**
	 * Reads until {@code ready} accepts what was read.
	 * @param <T> the type read
	 * @param what what is read, for the failure message
	 * @param read reads the value; may return {@code null}, which is never ready
	 * @param ready whether a value is the one awaited
	 * @param timeout how long to keep reading
	 * @return the first value ready
	 * @throws AssertionError if none was ready in time, with the last value read
	 */
	static <T> T until(String what, Supplier<T> read, Predicate<T> ready, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		T value;
		do {
			value = read.get();
			if (value != null && ready.test(value)) {
				return value;
			}
			try {
				Thread.sleep(INTERVAL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + what, ex);
			}
		}
		while (System.nanoTime() < deadline);
		throw new AssertionError(what + " not as awaited after " + timeout + ": " + value);
	}

}
