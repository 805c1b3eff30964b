package io.distlock.benchmarks.harness;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.distlock.benchmarks.adapter.Library;

/**
 * How long and how wide a run is.
 *
 * @param libraries the libraries compared, the raw floor first
 * @param rounds measured rounds; every scenario runs every library once per round, interleaved
 * @param warmup whether an unrecorded round runs first (JIT, connections, scripts)
 * @param window how long scenarios 1 to 3 run per library and round
 * @param remoteWindow how long scenario 4 runs per library and round
 * @param parallelThreads threads of scenario 2, on distinct keys
 * @param contendingThreads threads of scenario 3, on one key
 * @param workerJvms worker JVMs of scenario 4
 * @param threadsPerWorker threads per worker JVM in scenario 4
 * @param wakeUps wake-ups timed per library and round in scenario 5
 * @param wakeHold how long the holder keeps the lock after the waiter started waiting
 * @param costWindow how long each workload of scenario 6 runs
 * @param workerJvmOptions options of the worker JVMs
 * @param scenarios the groups of scenarios a standalone run measures (the cluster run always
 * measures its scenarios 1 to 3)
 * @param heldLoads the loads of the held-locks scenarios (8a, 8b, ...)
 * @param heldLocksWindow how long each held-locks load is held
 * @param transferWindow how long scenario 9 (two-key transfers) runs per library and round; zero
 * skips it
 * @since 1.0.0
 */
public record Settings(List<Library> libraries, int rounds, boolean warmup, Duration window, Duration remoteWindow,
		int parallelThreads, int contendingThreads, int workerJvms, int threadsPerWorker, int wakeUps,
		Duration wakeHold, Duration costWindow, List<String> workerJvmOptions, Set<ScenarioGroup> scenarios,
		List<HeldLoad> heldLoads, Duration heldLocksWindow, Duration transferWindow) {

	private static final List<HeldLoad> HELD_LOADS = List.of(new HeldLoad(1_000, Duration.ofMillis(600)),
			new HeldLoad(10_000, Duration.ofSeconds(2)));

	private static final Set<ScenarioGroup> ALL = Set.of(ScenarioGroup.values());

	public Settings {
		libraries = List.copyOf(libraries);
		scenarios = Set.copyOf(scenarios);
		if (scenarios.isEmpty()) {
			throw new IllegalArgumentException("A run needs at least one group of scenarios");
		}
	}

	/**
	 * The full run that writes docs/benchmarks.md: about a quarter of an hour on two cores, four
	 * minutes of it holding locks, one of two-key transfers and one of lock kinds.
	 * @return the settings
	 */
	public static Settings full() {
		return new Settings(List.of(Library.values()), 5, true, Duration.ofSeconds(1), Duration.ofMillis(1500), 16, 8,
				3, 2, 25, Duration.ofMillis(20), Duration.ofSeconds(1), List.of("-Xmx256m"), ALL, HELD_LOADS,
				Duration.ofSeconds(60), Duration.ofSeconds(3));
	}

	/**
	 * A run of seconds that only shows every library works under every scenario.
	 * @return the settings
	 */
	public static Settings smoke() {
		return new Settings(List.of(Library.values()), 1, false, Duration.ofMillis(150), Duration.ofMillis(200), 4, 4,
				2, 2, 3, Duration.ofMillis(10), Duration.ofMillis(100),
				List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"), without(ALL, ScenarioGroup.JMH),
				List.of(new HeldLoad(100, Duration.ofMillis(600)), new HeldLoad(300, Duration.ofSeconds(1))),
				Duration.ofSeconds(2), Duration.ofMillis(300));
	}

	/**
	 * These settings with fewer rounds and shorter windows, for a quick look while developing.
	 * @return the settings
	 */
	public Settings quick() {
		return new Settings(this.libraries, 2, false, Duration.ofMillis(500), Duration.ofMillis(700),
				this.parallelThreads, this.contendingThreads, this.workerJvms, this.threadsPerWorker, 8, this.wakeHold,
				Duration.ofMillis(500), this.workerJvmOptions, this.scenarios, this.heldLoads, Duration.ofSeconds(10),
				Duration.ofSeconds(1));
	}

	/**
	 * These settings for other libraries.
	 * @param libraries the libraries, the raw floor first if present
	 * @return the settings
	 */
	public Settings withLibraries(List<Library> libraries) {
		return new Settings(libraries, this.rounds, this.warmup, this.window, this.remoteWindow,
				this.parallelThreads, this.contendingThreads, this.workerJvms, this.threadsPerWorker, this.wakeUps,
				this.wakeHold, this.costWindow, this.workerJvmOptions, this.scenarios, this.heldLoads,
				this.heldLocksWindow, this.transferWindow);
	}

	/**
	 * These settings measuring other groups of scenarios.
	 * @param scenarios the groups, at least one
	 * @return the settings
	 */
	public Settings withScenarios(Set<ScenarioGroup> scenarios) {
		return new Settings(this.libraries, this.rounds, this.warmup, this.window, this.remoteWindow,
				this.parallelThreads, this.contendingThreads, this.workerJvms, this.threadsPerWorker, this.wakeUps,
				this.wakeHold, this.costWindow, this.workerJvmOptions, scenarios, this.heldLoads, this.heldLocksWindow,
				this.transferWindow);
	}

	/**
	 * These settings without JMH.
	 * @return the settings, scenario 7 left out
	 */
	public Settings withoutJmh() {
		return withScenarios(without(this.scenarios, ScenarioGroup.JMH));
	}

	/**
	 * Whether this run measures a group of scenarios.
	 * @param group the group
	 * @return {@code true} if it is selected
	 */
	public boolean runs(ScenarioGroup group) {
		return this.scenarios.contains(group);
	}

	/**
	 * Whether a group this run measures needs the worker JVMs.
	 * @return {@code true} if they must be started
	 */
	public boolean needsWorkers() {
		return this.scenarios.stream().anyMatch(ScenarioGroup::usesWorkers);
	}

	/**
	 * These settings holding each held-locks load for another window.
	 * @param window how long, positive
	 * @return the settings
	 */
	public Settings withHeldLocksWindow(Duration window) {
		if (window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("The held-locks window must be positive, got " + window);
		}
		return new Settings(this.libraries, this.rounds, this.warmup, this.window, this.remoteWindow,
				this.parallelThreads, this.contendingThreads, this.workerJvms, this.threadsPerWorker, this.wakeUps,
				this.wakeHold, this.costWindow, this.workerJvmOptions, this.scenarios, this.heldLoads, window,
				this.transferWindow);
	}

	/**
	 * These settings running each library for another window per round of scenario 9.
	 * @param window how long, zero to skip the scenario
	 * @return the settings
	 */
	public Settings withTransferWindow(Duration window) {
		if (window.isNegative()) {
			throw new IllegalArgumentException("The transfer window must not be negative, got " + window);
		}
		return new Settings(this.libraries, this.rounds, this.warmup, this.window, this.remoteWindow,
				this.parallelThreads, this.contendingThreads, this.workerJvms, this.threadsPerWorker, this.wakeUps,
				this.wakeHold, this.costWindow, this.workerJvmOptions, this.scenarios, this.heldLoads,
				this.heldLocksWindow, window);
	}

	private static Set<ScenarioGroup> without(Set<ScenarioGroup> groups, ScenarioGroup left) {
		Set<ScenarioGroup> rest = EnumSet.noneOf(ScenarioGroup.class);
		rest.addAll(groups);
		rest.remove(left);
		return rest;
	}

}
