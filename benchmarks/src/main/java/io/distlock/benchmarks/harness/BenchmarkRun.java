package io.distlock.benchmarks.harness;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.jmh.JmhSuite;

/**
 * One run: starts the lab, runs an unrecorded warm-up round, then interleaved rounds of scenarios
 * 1 to 5 (every scenario runs every library once per round, in an order rotated each round),
 * scenario 6 once, the held-locks scenarios 8a, 8b, ... once each with the worker JVMs stopped,
 * scenario 9 (two-key transfers) and scenarios 10a to 10c (lock kinds) each in a warm-up and
 * rounds of their own, and scenario 7 under JMH; only the {@link ScenarioGroup groups} the
 * settings select. A scenario measures only the libraries it {@link Scenario#runs runs}. The
 * cluster run does the same with scenarios 1 to 3 on a Redis Cluster.
 *
 * @since 1.0.0
 */
public final class BenchmarkRun {

	private BenchmarkRun() {
	}

	/**
	 * Runs everything the settings ask for on one redis-server.
	 * @param settings how long and how wide
	 * @param log where progress goes
	 * @return what was measured
	 */
	public static Results run(Settings settings, PrintStream log) {
		Results results = new Results(settings);
		LocalLoadScenario uncontended = LocalLoadScenario.uncontended();
		LocalLoadScenario contended = LocalLoadScenario.contended(settings.contendingThreads());
		RemoteLoadScenario remote = new RemoteLoadScenario();
		List<Scenario> timed = List.of(uncontended, LocalLoadScenario.parallel(settings.parallelThreads()), contended,
				remote, new WakeUpScenario());
		RedisCostScenario cost = new RedisCostScenario(uncontended, contended, remote);
		log.println("Starting redis-server, " + (settings.needsWorkers() ? settings.workerJvms() + " worker JVMs and "
				: "") + settings.libraries());
		try (Lab lab = Lab.start(settings)) {
			results.redisVersion(lab.bench().version());
			BiFunction<Scenario, Library, Measurement> measure = (scenario, library) -> scenario.measure(library, lab);
			if (settings.runs(ScenarioGroup.TIMED)) {
				rounds(settings, timed, measure, results, log);
			}
			if (settings.runs(ScenarioGroup.REDIS_COST)) {
				once(cost, lab, results, log);
			}
			lab.stopWorkers();
			if (settings.runs(ScenarioGroup.HELD_LOCKS)) {
				for (HeldLocksScenario held : heldLocks(settings)) {
					once(held, lab, results, log);
				}
			}
			if (settings.runs(ScenarioGroup.TRANSFERS) && !settings.transferWindow().isZero()) {
				roundsOfTheirOwn(settings, List.of(new TransferScenario()), measure, results, log);
			}
			if (settings.runs(ScenarioGroup.LOCK_KINDS)) {
				roundsOfTheirOwn(settings, LockKindScenario.all(settings.parallelThreads()), measure, results, log);
			}
			if (settings.runs(ScenarioGroup.JMH)) {
				log.println("Scenario 7 under JMH");
				results.jmh(JmhSuite.run(lab.endpoint(), settings.libraries()));
			}
		}
		return results;
	}

	/**
	 * Measures {@code scenario} once for every library it runs.
	 */
	private static void once(Scenario scenario, Lab lab, Results results, PrintStream log) {
		for (Library library : lab.settings().libraries()) {
			if (scenario.runs(library)) {
				record(results, scenario, library, scenario.measure(library, lab), "once", log);
			}
		}
	}

	private static List<HeldLocksScenario> heldLocks(Settings settings) {
		List<HeldLocksScenario> scenarios = new ArrayList<>();
		for (int i = 0; i < settings.heldLoads().size(); i++) {
			scenarios.add(new HeldLocksScenario("8" + (char) ('a' + i) + ".", settings.heldLoads().get(i)));
		}
		return scenarios;
	}

	/**
	 * Runs scenarios 1 to 3 on a Redis Cluster of {@value ClusterLab#PRIMARIES} primaries, for the
	 * libraries of {@code settings} that run on one.
	 * @param settings how long and how wide
	 * @param log where progress goes
	 * @return what was measured
	 */
	public static Results runOnCluster(Settings settings, PrintStream log) {
		Settings onCluster = settings.withLibraries(ClusterLab.clusterLibraries(settings.libraries()));
		Results results = new Results(onCluster);
		List<LocalLoadScenario> scenarios = List.of(LocalLoadScenario.uncontended(),
				LocalLoadScenario.parallel(settings.parallelThreads()),
				LocalLoadScenario.contended(settings.contendingThreads()));
		log.println("Starting a Redis Cluster of " + ClusterLab.PRIMARIES + " primaries and " + onCluster.libraries());
		try (ClusterLab lab = ClusterLab.start(onCluster)) {
			results.redisVersion(lab.redisVersion());
			rounds(onCluster, scenarios, (scenario, library) -> scenario.measureOn(library, lab), results, log);
		}
		return results;
	}

	/**
	 * Warm-up and rounds of {@code scenarios} alone, if any of the run's libraries runs one.
	 */
	private static void roundsOfTheirOwn(Settings settings, List<? extends Scenario> scenarios,
			BiFunction<Scenario, Library, Measurement> measure, Results results, PrintStream log) {
		if (scenarios.stream().anyMatch((scenario) -> settings.libraries().stream().anyMatch(scenario::runs))) {
			rounds(settings, scenarios, measure, results, log);
		}
	}

	private static <S extends Scenario> void rounds(Settings settings, List<S> scenarios,
			BiFunction<? super S, Library, Measurement> measure, Results results, PrintStream log) {
		if (settings.warmup()) {
			round(scenarios, settings.libraries(), 0, measure, null, "warm-up", log);
		}
		for (int round = 1; round <= settings.rounds(); round++) {
			String name = "round " + round + "/" + settings.rounds();
			round(scenarios, settings.libraries(), round - 1, measure, results, name, log);
		}
	}

	/**
	 * Runs every scenario on the libraries it runs, in their order rotated {@code rotation} places.
	 */
	private static <S extends Scenario> void round(List<S> scenarios, List<Library> libraries, int rotation,
			BiFunction<? super S, Library, Measurement> measure, @Nullable Results results, String name,
			PrintStream log) {
		for (S scenario : scenarios) {
			List<Library> order = new ArrayList<>(libraries.stream().filter(scenario::runs).toList());
			Collections.rotate(order, -rotation);
			for (Library library : order) {
				Measurement measurement = measure.apply(scenario, library);
				if (results != null) {
					record(results, scenario, library, measurement, name, log);
				}
			}
		}
		if (results == null) {
			log.println("[" + name + "] done");
		}
	}

	private static void record(Results results, Scenario scenario, Library library, Measurement measurement,
			String name, PrintStream log) {
		results.add(scenario, library, measurement);
		Metric headline = scenario.metrics().get(0);
		log.println("[" + name + "] " + scenario.title() + " · " + scenario.label(library) + ": "
				+ headline.format(measurement.value(headline)) + " " + headline.header()
				+ ((measurement.violations() > 0) ? " · " + measurement.violations() + " VIOLATIONS" : "")
				+ ((measurement.failures() > 0) ? " · " + measurement.failures() + " failures: " + measurement.note()
						: ""));
	}

}
