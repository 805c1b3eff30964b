package io.distlock.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: the n-th delay is drawn uniformly from the upper half of
 * {@code min(max, initial * 2^n)}, so retries of many waiters spread out instead of colliding.
 */
final class Backoff {

	private final long initialNanos;

	private final long maxNanos;

	Backoff(Duration initial, Duration max) {
		this.initialNanos = initial.toNanos();
		this.maxNanos = max.toNanos();
	}

	long delayNanos(int retry) {
		long ceiling = (retry >= 30) ? this.maxNanos : Math.min(this.maxNanos, this.initialNanos << retry);
		long half = ceiling / 2;
		return half + ThreadLocalRandom.current().nextLong(half + 1);
	}

}
