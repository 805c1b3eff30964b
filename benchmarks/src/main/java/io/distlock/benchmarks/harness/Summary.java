package io.distlock.benchmarks.harness;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One library's measurements of one scenario over all rounds: the median of each metric, its
 * worst value, and the violations and failures of all rounds together.
 *
 * @param medians the median per metric
 * @param worst the worst value per metric
 * @param violations overlaps the witness saw, all rounds
 * @param failures failed operations, all rounds
 * @param runs how many measurements
 * @param note the first note of any round
 */
record Summary(Map<Metric, Double> medians, Map<Metric, Double> worst, long violations, long failures, int runs,
		@Nullable String note) {

	static Summary of(List<Measurement> measurements) {
		Map<Metric, Double> medians = new EnumMap<>(Metric.class);
		Map<Metric, Double> worst = new EnumMap<>(Metric.class);
		long violations = 0;
		long failures = 0;
		String note = null;
		for (Measurement measurement : measurements) {
			violations += measurement.violations();
			failures += measurement.failures();
			if (note == null) {
				note = measurement.note();
			}
		}
		for (Metric metric : measurements.get(0).values().keySet()) {
			List<Double> values = new ArrayList<>();
			measurements.forEach((measurement) -> values.add(measurement.value(metric)));
			values.sort(null);
			int size = values.size();
			medians.put(metric, (size % 2 == 1) ? values.get(size / 2)
					: (values.get(size / 2 - 1) + values.get(size / 2)) / 2);
			worst.put(metric, metric.higherIsBetter() ? values.get(0) : values.get(size - 1));
		}
		return new Summary(medians, worst, violations, failures, measurements.size(), note);
	}

	double median(Metric metric) {
		Double value = this.medians.get(metric);
		if (value == null) {
			throw new IllegalArgumentException("No " + metric + " measured");
		}
		return value;
	}

	double worst(Metric metric) {
		Double value = this.worst.get(metric);
		if (value == null) {
			throw new IllegalArgumentException("No " + metric + " measured");
		}
		return value;
	}

	/**
	 * Whether this library may be ranked: the witness saw no overlap.
	 */
	boolean clean() {
		return this.violations == 0;
	}

}
