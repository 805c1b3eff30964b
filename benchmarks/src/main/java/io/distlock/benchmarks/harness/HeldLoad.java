package io.distlock.benchmarks.harness;

import java.time.Duration;
import java.util.Locale;

/**
 * How many locks the held-locks scenario holds at once, and with what ttl.
 *
 * @param locks locks held at once
 * @param ttl the lease of each, renewed by the library while held
 * @since 1.0.0
 */
public record HeldLoad(int locks, Duration ttl) {

	/**
	 * Checks the load.
	 * @param locks locks held at once, at least 1
	 * @param ttl the lease, positive
	 */
	public HeldLoad {
		if (locks < 1 || ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("A held-locks load needs locks >= 1 and a positive ttl, got " + locks
					+ " and " + ttl);
		}
	}

	/**
	 * As the report names it.
	 * @return such as {@code 1,000 × 600 ms}
	 */
	public String describe() {
		return String.format(Locale.ROOT, "%,d × %,d ms", this.locks, this.ttl.toMillis());
	}

}
