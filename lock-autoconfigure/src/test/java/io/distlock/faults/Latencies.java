package io.distlock.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Durations measured over a scenario's trials, summarised by percentile (nearest rank).
 */
final class Latencies {

	private final List<Duration> samples = new ArrayList<>();

	synchronized void add(Duration sample) {
		this.samples.add(sample);
	}

	synchronized int count() {
		return this.samples.size();
	}

	/**
	 * The nearest-rank percentile.
	 * @param percent from 0 (exclusive) to 100
	 * @return the sample at that rank, zero when there is none
	 */
	synchronized Duration percentile(double percent) {
		if (this.samples.isEmpty()) {
			return Duration.ZERO;
		}
		List<Duration> sorted = new ArrayList<>(this.samples);
		Collections.sort(sorted);
		int rank = (int) Math.ceil(percent / 100 * sorted.size());
		return sorted.get(Math.max(0, rank - 1));
	}

	synchronized long countAbove(Duration limit) {
		return this.samples.stream().filter((sample) -> sample.compareTo(limit) > 0).count();
	}

	Duration max() {
		return percentile(100);
	}

	/**
	 * Formats p50, p99 and max in milliseconds.
	 * @return such as {@code 812 / 990 / 1004 ms}, or {@code -} with no samples
	 */
	String summary() {
		if (count() == 0) {
			return "-";
		}
		return percentile(50).toMillis() + " / " + percentile(99).toMillis() + " / " + max().toMillis() + " ms";
	}

}
