package io.distlock.benchmarks.harness;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What one run of one scenario measured for one library.
 *
 * @param values the metrics
 * @param violations critical sections the witness saw overlap
 * @param failures operations that threw (not acquired, not released)
 * @param note what else the reader should know, such as the first failure
 */
record Measurement(Map<Metric, Double> values, long violations, long failures, @Nullable String note) {

	static Measurement of(LoadLoop.Result result, long violations, List<Metric> metrics) {
		Map<Metric, Double> values = new EnumMap<>(Metric.class);
		metrics.forEach((metric) -> values.put(metric, metric.of(result)));
		return new Measurement(values, violations, result.failures(), result.firstFailure());
	}

	/**
	 * This measurement with one more metric.
	 */
	Measurement with(Metric metric, double value) {
		Map<Metric, Double> more = new EnumMap<>(this.values);
		more.put(metric, value);
		return new Measurement(more, this.violations, this.failures, this.note);
	}

	double value(Metric metric) {
		Double value = this.values.get(metric);
		if (value == null) {
			throw new IllegalArgumentException("No " + metric + " in " + this.values.keySet());
		}
		return value;
	}

}
