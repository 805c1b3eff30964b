package io.distlock.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.jmh.JmhSuite;

/**
 * Issue 7's targets for distlock's programmatic path, judged from one run.
 */
final class Targets {

	private final Results results;

	private final List<Row> rows = new ArrayList<>();

	private Targets(Results results) {
		this.results = results;
	}

	/**
	 * One target: what it asks, what was measured, and whether it is met ({@code null}: not
	 * measured in this run).
	 */
	record Row(String target, String measured, @Nullable Boolean met) {

	}

	static List<Row> judge(Results results) {
		Targets targets = new Targets(results);
		targets.againstFloor("1.", "Uncontended: ≥ 0.9× the raw floor's ops/s", Metric.OPS_PER_SECOND, 0.9);
		targets.againstCompetitor("1.", "Uncontended: ≥ 1.5× the best competitor's ops/s", Metric.OPS_PER_SECOND, 1.5);
		targets.againstFloor("2.", "Parallel, distinct keys: ≥ 0.9× the raw floor's ops/s", Metric.OPS_PER_SECOND, 0.9);
		targets.againstFloor("3.", "Contended in one JVM: ≥ 2× the raw floor's hand-offs/s",
				Metric.HAND_OFFS_PER_SECOND, 2);
		targets.noWorseThanFloor("3.", "Contended in one JVM: max wait no worse than the raw floor's");
		targets.againstCompetitor("4.", "Across processes: ≥ 1.5× the best competitor's hand-offs/s",
				Metric.HAND_OFFS_PER_SECOND, 1.5);
		targets.noWorseThanFloor("4.", "Across processes: max wait no worse than the raw floor's");
		targets.againstCompetitor("5.", "Wake-up: median ≤ 0.6× the best competitor's", Metric.WAKE_MEDIAN, 0.6);
		targets.bound("5.", "Wake-up: p99 ≤ 5 ms", Metric.WAKE_P99, (p99) -> p99 <= 5000,
				(p99) -> String.format(Locale.ROOT, "%.2f ms", p99 / 1000));
		targets.bound("6.", "Redis: exactly 2 commands per uncontended cycle", Metric.UNCONTENDED_SENT,
				(sent) -> Math.abs(sent - 2) < 0.005, Targets::commands);
		targets.bound("6.", "Redis: ≤ 4 commands per contended hand-off, one JVM", Metric.LOCAL_HAND_OFF_SENT,
				(sent) -> sent <= 4, Targets::commands);
		targets.bound("6.", "Redis: ≤ 4 commands per contended hand-off, across JVMs", Metric.REMOTE_HAND_OFF_SENT,
				(sent) -> sent <= 4, Targets::commands);
		targets.aspectOverhead("in-memory", "Aspect overhead ≤ 5 µs per call (JMH, lock manager without Redis)");
		targets.aspectOverhead("redis", "Aspect overhead ≤ 5 µs per call (JMH, on Redis)");
		return targets.rows;
	}

	private static String commands(double perOperation) {
		return String.format(Locale.ROOT, "%.2f sent", perOperation);
	}

	private Optional<Summary> summary(String scenario, Library library) {
		return this.results.scenario(scenario).flatMap((found) -> this.results.summary(found, library));
	}

	private void againstFloor(String scenario, String target, Metric metric, double ratio) {
		Optional<Summary> ours = summary(scenario, Library.DISTLOCK);
		Optional<Summary> floor = summary(scenario, Library.FLOOR);
		if (ours.isEmpty() || floor.isEmpty()) {
			this.rows.add(new Row(target, "not measured", null));
			return;
		}
		double measured = ours.get().median(metric) / floor.get().median(metric);
		this.rows.add(new Row(target, String.format(Locale.ROOT, "%.2f× (%s vs %s %s)", measured,
				metric.format(ours.get().median(metric)), metric.format(floor.get().median(metric)), metric.header()),
				ours.get().clean() && measured >= ratio));
	}

	private void againstCompetitor(String scenario, String target, Metric metric, double ratio) {
		Optional<Scenario> found = this.results.scenario(scenario);
		Optional<Summary> ours = summary(scenario, Library.DISTLOCK);
		Library best = found.map((it) -> this.results.best(it, metric, Library.Role.COMPETITOR)).orElse(null);
		if (ours.isEmpty() || best == null) {
			this.rows.add(new Row(target, "not measured", null));
			return;
		}
		double theirs = summary(scenario, best).orElseThrow().median(metric);
		double measured = ours.get().median(metric) / theirs;
		boolean met = metric.higherIsBetter() ? measured >= ratio : measured <= ratio;
		this.rows.add(new Row(target, String.format(Locale.ROOT, "%.2f× (%s vs %s %s of %s)", measured,
				metric.format(ours.get().median(metric)), metric.format(theirs), metric.header(), best.label()),
				ours.get().clean() && met));
	}

	private void noWorseThanFloor(String scenario, String target) {
		Optional<Summary> ours = summary(scenario, Library.DISTLOCK);
		Optional<Summary> floor = summary(scenario, Library.FLOOR);
		if (ours.isEmpty() || floor.isEmpty()) {
			this.rows.add(new Row(target, "not measured", null));
			return;
		}
		double mine = ours.get().median(Metric.WAIT_MAX);
		double theirs = floor.get().median(Metric.WAIT_MAX);
		this.rows.add(new Row(target, String.format(Locale.ROOT, "%.1f ms vs %.1f ms (median of the rounds' maxima; "
				+ "worst %.1f vs %.1f)", mine, theirs, ours.get().worst(Metric.WAIT_MAX), floor.get()
					.worst(Metric.WAIT_MAX)), mine <= theirs));
	}

	private void bound(String scenario, String target, Metric metric, DoublePredicate met,
			Function<Double, String> format) {
		Optional<Summary> ours = summary(scenario, Library.DISTLOCK);
		if (ours.isEmpty()) {
			this.rows.add(new Row(target, "not measured", null));
			return;
		}
		double value = ours.get().median(metric);
		this.rows.add(new Row(target, format.apply(value), ours.get().clean() && met.test(value)));
	}

	private void aspectOverhead(String backend, String target) {
		Optional<JmhSuite.Score> programmatic = aspectScore("programmatic", backend);
		Optional<JmhSuite.Score> annotated = aspectScore("annotated", backend);
		if (programmatic.isEmpty() || annotated.isEmpty()) {
			this.rows.add(new Row(target, "not measured", null));
			return;
		}
		double overhead = annotated.get().score() - programmatic.get().score();
		double error = annotated.get().error() + programmatic.get().error();
		String measured = String.format(Locale.ROOT, "%+.2f µs ± %.2f (%.2f vs %.2f µs/op)", overhead, error,
				annotated.get().score(), programmatic.get().score());
		// A difference within the noise of two Redis round trips decides nothing.
		boolean conclusive = Double.isFinite(error) && error <= 5;
		this.rows.add(new Row(target, conclusive ? measured : measured + ", within noise",
				conclusive ? overhead <= 5 : null));
	}

	private Optional<JmhSuite.Score> aspectScore(String method, String backend) {
		return this.results.jmh()
			.stream()
			.filter((score) -> score.benchmark().endsWith("." + method)
					&& backend.equals(score.params().get("backend")))
			.findFirst();
	}

}
