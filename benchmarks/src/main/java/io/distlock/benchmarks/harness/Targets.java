package io.distlock.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.jmh.JmhSuite;

/**
 * The targets distlock is judged by, from one run: issue 18's for each of its API forms and for
 * held locks, issue 7's remaining ones for the {@code acquire()} path, and the lock-kind issue's
 * for readers.
 */
final class Targets {

	/** The API forms issue 18's throughput targets hold for, each measured as its own library. */
	static final List<Library> FORMS = List.of(Library.DISTLOCK_LOCK, Library.DISTLOCK_ACQUIRE,
			Library.DISTLOCK_ASPECT);

	/** The API forms the lock-kind scenarios measure. */
	static final List<Library> KIND_FORMS = FORMS.stream().filter(Library::hasLockKinds).toList();

	private final Results results;

	private final List<Row> rows = new ArrayList<>();

	private Targets(Results results) {
		this.results = results;
	}

	/**
	 * One target for one distlock library: what it asks, what was measured, and whether it is met
	 * ({@code null}: not measured in this run).
	 */
	record Row(String target, String library, String measured, @Nullable Boolean met) {

	}

	/**
	 * Issue 18's targets: every API form against the floor and the best competitor, and no lease
	 * lost while holding many locks, with as many library threads whatever their number.
	 */
	static List<Row> atScale(Results results) {
		Targets targets = new Targets(results);
		int parallel = results.settings().parallelThreads();
		for (Library form : FORMS) {
			targets.againstFloor(form, "1.", "Uncontended: ≥ 0.9× the raw floor's ops/s", Metric.OPS_PER_SECOND, 0.9);
		}
		for (Library form : FORMS) {
			targets.againstFloor(form, "2.", parallel + " threads, distinct keys: ≥ 0.9× the raw floor's ops/s",
					Metric.OPS_PER_SECOND, 0.9);
		}
		for (Library form : FORMS) {
			targets.againstFloor(form, "3.", "Contended in one JVM: ≥ 2× the raw floor's hand-offs/s",
					Metric.HAND_OFFS_PER_SECOND, 2);
		}
		for (Library form : FORMS) {
			targets.againstCompetitor(form, "3.", "Contended in one JVM: ≥ 1.5× the best competitor's hand-offs/s",
					Metric.HAND_OFFS_PER_SECOND, 1.5);
		}
		List<Scenario> held = heldLocks(results);
		held.forEach(targets::noLeaseLost);
		targets.threadsIndependentOfLocksHeld(held);
		return targets.rows;
	}

	/**
	 * Issue 7's targets that issue 18 does not replace, for the {@code acquire()} path (the
	 * aspect overhead for {@code @DistributedLock}).
	 */
	static List<Row> remainingOfIssue7(Results results) {
		Targets targets = new Targets(results);
		Library ours = Library.DISTLOCK_ACQUIRE;
		targets.againstCompetitor(ours, "1.", "Uncontended: ≥ 1.5× the best competitor's ops/s",
				Metric.OPS_PER_SECOND, 1.5);
		targets.noWorseThanFloor(ours, "3.", "Contended in one JVM: max wait no worse than the raw floor's");
		targets.againstCompetitor(ours, "4.", "Across processes: ≥ 1.5× the best competitor's hand-offs/s",
				Metric.HAND_OFFS_PER_SECOND, 1.5);
		targets.noWorseThanFloor(ours, "4.", "Across processes: max wait no worse than the raw floor's");
		targets.againstCompetitor(ours, "5.", "Wake-up: median ≤ 0.6× the best competitor's", Metric.WAKE_MEDIAN,
				0.6);
		targets.bound(ours, "5.", "Wake-up: p99 ≤ 5 ms", Metric.WAKE_P99, (p99) -> p99 <= 5000,
				(p99) -> String.format(Locale.ROOT, "%.2f ms", p99 / 1000));
		targets.bound(ours, "6.", "Redis: exactly 2 commands per uncontended cycle", Metric.UNCONTENDED_SENT,
				(sent) -> Math.abs(sent - 2) < 0.005, Targets::commands);
		targets.bound(ours, "6.", "Redis: ≤ 4 commands per contended hand-off, one JVM", Metric.LOCAL_HAND_OFF_SENT,
				(sent) -> sent <= 4, Targets::commands);
		targets.bound(ours, "6.", "Redis: ≤ 4 commands per contended hand-off, across JVMs",
				Metric.REMOTE_HAND_OFF_SENT, (sent) -> sent <= 4, Targets::commands);
		targets.aspectOverhead("in-memory", "Aspect overhead ≤ 5 µs per call (JMH, lock manager without Redis)");
		targets.aspectOverhead("redis", "Aspect overhead ≤ 5 µs per call (JMH, on Redis)");
		return targets.rows;
	}

	/**
	 * The lock-kind issue's targets for readers, for every form with lock kinds: as fast as a
	 * mutex per reader on the floor, and well ahead of Redisson's read lock.
	 */
	static List<Row> lockKinds(Results results) {
		Targets targets = new Targets(results);
		int threads = results.settings().parallelThreads();
		for (Library form : KIND_FORMS) {
			targets.againstFloor(form, "10a.", "Readers only, " + threads + " threads on one key: ≥ 0.9× the raw "
					+ "floor's ops/s with a mutex per thread", Metric.OPS_PER_SECOND, 0.9);
		}
		for (Library form : KIND_FORMS) {
			targets.againstCompetitor(form, "10a.", "Readers only: ≥ 1.5× Redisson's read lock's ops/s",
					Metric.OPS_PER_SECOND, 1.5);
		}
		return targets.rows;
	}

	private static List<Scenario> heldLocks(Results results) {
		return results.scenarios().stream().filter(HeldLocksScenario.class::isInstance).toList();
	}

	private static String commands(double perOperation) {
		return String.format(Locale.ROOT, "%.2f sent", perOperation);
	}

	private Optional<Summary> summary(String scenario, Library library) {
		return this.results.scenario(scenario).flatMap((found) -> this.results.summary(found, library));
	}

	private void notMeasured(String target, Library ours) {
		this.rows.add(new Row(target, ours.label(), "not measured", null));
	}

	private void againstFloor(Library ours, String scenario, String target, Metric metric, double ratio) {
		Optional<Summary> mine = summary(scenario, ours);
		Optional<Summary> floor = summary(scenario, Library.FLOOR);
		if (mine.isEmpty() || floor.isEmpty()) {
			notMeasured(target, ours);
			return;
		}
		double measured = mine.get().median(metric) / floor.get().median(metric);
		this.rows.add(new Row(target, ours.label(), String.format(Locale.ROOT, "%.2f× (%s vs %s %s)", measured,
				metric.format(mine.get().median(metric)), metric.format(floor.get().median(metric)), metric.header()),
				mine.get().clean() && measured >= ratio));
	}

	private void againstCompetitor(Library ours, String scenario, String target, Metric metric, double ratio) {
		Optional<Scenario> found = this.results.scenario(scenario);
		Optional<Summary> mine = summary(scenario, ours);
		Library best = found.map((it) -> this.results.best(it, metric, Library.Role.COMPETITOR)).orElse(null);
		if (mine.isEmpty() || best == null) {
			notMeasured(target, ours);
			return;
		}
		String theirLabel = found.get().label(best);
		double theirs = summary(scenario, best).orElseThrow().median(metric);
		double measured = mine.get().median(metric) / theirs;
		boolean met = metric.higherIsBetter() ? measured >= ratio : measured <= ratio;
		this.rows.add(new Row(target, ours.label(), String.format(Locale.ROOT, "%.2f× (%s vs %s %s of %s)", measured,
				metric.format(mine.get().median(metric)), metric.format(theirs), metric.header(), theirLabel),
				mine.get().clean() && met));
	}

	private void noWorseThanFloor(Library ours, String scenario, String target) {
		Optional<Summary> mine = summary(scenario, ours);
		Optional<Summary> floor = summary(scenario, Library.FLOOR);
		if (mine.isEmpty() || floor.isEmpty()) {
			notMeasured(target, ours);
			return;
		}
		double own = mine.get().median(Metric.WAIT_MAX);
		double theirs = floor.get().median(Metric.WAIT_MAX);
		this.rows.add(new Row(target, ours.label(), String.format(Locale.ROOT, "%.1f ms vs %.1f ms (median of the "
				+ "rounds' maxima; worst %.1f vs %.1f)", own, theirs, mine.get().worst(Metric.WAIT_MAX), floor.get()
					.worst(Metric.WAIT_MAX)), own <= theirs));
	}

	private void bound(Library ours, String scenario, String target, Metric metric, DoublePredicate met,
			Function<Double, String> format) {
		Optional<Summary> mine = summary(scenario, ours);
		if (mine.isEmpty()) {
			notMeasured(target, ours);
			return;
		}
		double value = mine.get().median(metric);
		this.rows.add(new Row(target, ours.label(), format.apply(value), mine.get().clean() && met.test(value)));
	}

	private void noLeaseLost(Scenario held) {
		Library ours = Library.DISTLOCK_LOCK;
		String target = held.title().substring(held.title().indexOf(' ') + 1) + " for "
				+ this.results.settings().heldLocksWindow().toSeconds() + " s: 0 leases lost";
		Optional<Summary> mine = this.results.summary(held, ours);
		if (mine.isEmpty()) {
			notMeasured(target, ours);
			return;
		}
		Summary summary = mine.get();
		double notHeld = summary.median(Metric.HELD_LOST);
		double signalled = summary.median(Metric.HELD_SIGNALLED);
		double missing = summary.median(Metric.HELD_MISSING);
		this.rows.add(new Row(target, ours.label(), String.format(Locale.ROOT, "%.0f not held at the end, %.0f "
				+ "signalled lost, %.0f keys missing in Redis, %d failures", notHeld, signalled, missing,
				summary.failures()), notHeld == 0 && signalled == 0 && missing == 0 && summary.failures() == 0));
	}

	private void threadsIndependentOfLocksHeld(List<Scenario> held) {
		Library ours = Library.DISTLOCK_LOCK;
		String target = "Held locks: as many library threads whatever the number held";
		List<Summary> measured = held.stream().flatMap((scenario) -> this.results.summary(scenario, ours).stream())
			.toList();
		if (measured.size() < 2 || measured.size() != held.size()) {
			notMeasured(target, ours);
			return;
		}
		String counts = measured.stream()
			.map((summary) -> Metric.LIBRARY_THREADS.format(summary.median(Metric.LIBRARY_THREADS)))
			.collect(Collectors.joining(" and "));
		String loads = held.stream()
			.map((scenario) -> String.format(Locale.ROOT, "%,d", heldLoad(scenario).locks()))
			.collect(Collectors.joining(" and "));
		boolean same = measured.stream().mapToDouble((summary) -> summary.median(Metric.LIBRARY_THREADS)).distinct()
			.count() == 1;
		this.rows.add(new Row(target, ours.label(), counts + " threads holding " + loads + " locks", same));
	}

	private static HeldLoad heldLoad(Scenario scenario) {
		return ((HeldLocksScenario) scenario).load();
	}

	private void aspectOverhead(String backend, String target) {
		String library = Library.DISTLOCK_ASPECT.label();
		Optional<JmhSuite.Score> programmatic = aspectScore("programmatic", backend);
		Optional<JmhSuite.Score> annotated = aspectScore("annotated", backend);
		if (programmatic.isEmpty() || annotated.isEmpty()) {
			this.rows.add(new Row(target, library, "not measured", null));
			return;
		}
		double overhead = annotated.get().score() - programmatic.get().score();
		double error = annotated.get().error() + programmatic.get().error();
		String measured = String.format(Locale.ROOT, "%+.2f µs ± %.2f (%.2f vs %.2f µs/op)", overhead, error,
				annotated.get().score(), programmatic.get().score());
		// A difference within the noise of two Redis round trips decides nothing.
		boolean conclusive = Double.isFinite(error) && error <= 5;
		this.rows.add(new Row(target, library, conclusive ? measured : measured + ", within noise",
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
