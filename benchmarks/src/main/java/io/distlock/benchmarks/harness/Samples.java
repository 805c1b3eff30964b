package io.distlock.benchmarks.harness;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * Durations in nanoseconds, kept whole so that percentiles are exact. Not thread-safe: one per
 * thread, merged afterwards.
 */
final class Samples {

	private long[] values = new long[1024];

	private int size;

	private boolean sorted = true;

	void add(long nanos) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = nanos;
		this.sorted = false;
	}

	void addAll(Samples other) {
		for (int i = 0; i < other.size; i++) {
			add(other.values[i]);
		}
	}

	int size() {
		return this.size;
	}

	/**
	 * The value below which {@code fraction} of the samples lie (nearest rank).
	 */
	long percentile(double fraction) {
		if (this.size == 0) {
			return 0;
		}
		sort();
		int rank = (int) Math.ceil(fraction * this.size);
		return this.values[Math.min(this.size, Math.max(1, rank)) - 1];
	}

	long max() {
		return percentile(1.0);
	}

	private void sort() {
		if (!this.sorted) {
			Arrays.sort(this.values, 0, this.size);
			this.sorted = true;
		}
	}

	String encode() {
		StringJoiner joined = new StringJoiner(",");
		for (int i = 0; i < this.size; i++) {
			joined.add(Long.toString(this.values[i]));
		}
		return joined.toString();
	}

	static Samples decode(String text) {
		Samples samples = new Samples();
		if (!text.isEmpty()) {
			for (String value : text.split(",")) {
				samples.add(Long.parseLong(value));
			}
		}
		return samples;
	}

}
