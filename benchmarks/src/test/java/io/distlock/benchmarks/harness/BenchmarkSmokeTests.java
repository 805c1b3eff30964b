package io.distlock.benchmarks.harness;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.distlock.benchmarks.adapter.Library;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BenchmarkRun}: a run of seconds, every library under scenarios 1 to 6 (1 to 5 on ZooKeeper), the
 * held-locks scenarios with small loads for distlock and Redisson, the two-key transfers for the libraries with a
 * multi-key lock, the lock kinds for the libraries that have them (and the floor's stand-in for readers), and the Redis
 * libraries under scenarios 1 to 3 on a cluster, that only shows the harness works, the witness saw no overlap and no
 * held lease was lost. The full run is {@value MarkdownReport#COMMAND}.
 */
class BenchmarkSmokeTests {

	private static final Settings SETTINGS = Settings.smoke();

	private static final ByteArrayOutputStream PROGRESS = new ByteArrayOutputStream();

	private static Results results;

	@BeforeAll
	static void runOnOneServer() {
		results = BenchmarkRun.run(SETTINGS, new PrintStream(PROGRESS, true, StandardCharsets.UTF_8));
	}

	@Test
	void everyLibraryRunsEveryScenarioWithoutViolations() {
		String log = PROGRESS.toString(StandardCharsets.UTF_8);
		assertThat(Library.values()).contains(Library.SHEDLOCK, Library.DISTLOCK_LOCK, Library.DISTLOCK_ACQUIRE,
				Library.DISTLOCK_ASPECT);
		for (Library library : Library.values()) {
			// Scenario 6 counts Redis commands, which a ZooKeeper library does not send; in 10a the floor stands in.
			int scenarios = ((library.store() == Library.Store.REDIS) ? 6 : 5)
					+ (library.holdsLocks() ? SETTINGS.heldLoads().size() : 0) + (library.locksKeyPairs() ? 1 : 0)
					+ (library.hasLockKinds() ? LockKindScenario.all(SETTINGS.parallelThreads()).size() : 0)
					+ ((library == Library.FLOOR) ? 1 : 0);
			assertThat(results.scenariosMeasured(library)).as("scenarios run by %s", library).isEqualTo(scenarios);
			assertThat(results.violations(library)).as("violations of %s; progress:%n%s", library, log).isZero();
		}
	}

	@Test
	void distlockAndRedissonKeepEveryHeldLeaseAndRenewIt() {
		String log = PROGRESS.toString(StandardCharsets.UTF_8);
		List<Scenario> held = results.scenarios().stream().filter(HeldLocksScenario.class::isInstance).toList();
		assertThat(held).hasSize(SETTINGS.heldLoads().size());
		for (Scenario scenario : held) {
			for (Library library : List.of(Library.DISTLOCK_LOCK, Library.REDISSON)) {
				Summary summary = results.summary(scenario, library).orElseThrow();
				String context = scenario.title() + ", " + library + ": " + summary.note();
				assertThat(summary.failures()).as("failures in %s; progress:%n%s", context, log).isZero();
				assertThat(summary.median(Metric.HELD_LOST)).as("not held in %s", context).isZero();
				assertThat(summary.median(Metric.HELD_MISSING)).as("missing in %s", context).isZero();
				assertThat(summary.median(Metric.RENEWALS_PER_SECOND)).as("renewals in %s", context).isPositive();
			}
			assertThat(results.summary(scenario, Library.DISTLOCK_LOCK).orElseThrow().median(Metric.HELD_SIGNALLED))
				.as("distlock leases signalled lost in %s", scenario.title())
				.isZero();
		}
	}

	@Test
	void twoKeyTransfersKeepEveryAccountExclusiveAndTheTotalBalance() {
		String log = PROGRESS.toString(StandardCharsets.UTF_8);
		Scenario transfers = results.scenario("9.").orElseThrow();
		List<Library> measured = Arrays.stream(Library.values()).filter(Library::locksKeyPairs).toList();
		assertThat(measured).containsExactly(Library.DISTLOCK_LOCK, Library.DISTLOCK_ASPECT, Library.REDISSON);
		for (Library library : Library.values()) {
			if (!library.locksKeyPairs()) {
				assertThat(results.summary(transfers, library)).as("transfers of %s", library).isEmpty();
				continue;
			}
			Summary summary = results.summary(transfers, library).orElseThrow();
			String context = library + ": " + summary.note() + "; progress:\n" + log;
			assertThat(summary.failures()).as("failures of %s", context).isZero();
			assertThat(summary.violations()).as("violations of %s", context).isZero();
			assertThat(summary.worst(Metric.BALANCE_CHANGE)).as("balance change of %s", context).isZero();
			assertThat(summary.median(Metric.TRANSFERS_PER_SECOND)).as("transfers/s of %s", context).isPositive();
		}
	}

	@Test
	void lockKindsKeepReadersFromWritersAndPermitsToTheirNumber() {
		String log = PROGRESS.toString(StandardCharsets.UTF_8);
		List<Library> measured = Arrays.stream(Library.values()).filter(Library::hasLockKinds).toList();
		assertThat(measured).containsExactly(Library.DISTLOCK_LOCK, Library.DISTLOCK_ACQUIRE, Library.REDISSON);
		for (String number : List.of("10a.", "10b.", "10c.")) {
			Scenario scenario = results.scenario(number).orElseThrow();
			for (Library library : measured) {
				Summary summary = results.summary(scenario, library).orElseThrow();
				String context = scenario.title() + ", " + library + ": " + summary.note() + "; progress:\n" + log;
				assertThat(summary.failures()).as("failures in %s", context).isZero();
				assertThat(summary.violations()).as("violations in %s", context).isZero();
				assertThat(summary.median(Metric.OPS_PER_SECOND)).as("ops/s in %s", context).isPositive();
				// Readers may all be inside at once; permit holders no more than the permits.
				int most = number.equals("10c.") ? LockKindScenario.PERMITS : SETTINGS.parallelThreads();
				assertThat(summary.worst(Metric.MOST_INSIDE)).as("most inside in %s", context).isBetween(1.0,
						(double) most);
			}
		}
		assertThat(results.summary(results.scenario("10a.").orElseThrow(), Library.FLOOR)).isPresent();
	}

	@Test
	void everyClusterLibraryRunsScenariosOneToThreeOnAClusterWithoutViolationsOrFailures() {
		ByteArrayOutputStream progress = new ByteArrayOutputStream();
		Results results = BenchmarkRun.runOnCluster(Settings.smoke(),
				new PrintStream(progress, true, StandardCharsets.UTF_8));
		List<Library> onCluster = Arrays.stream(Library.values()).filter(Library::runsOnCluster).toList();
		assertThat(onCluster).contains(Library.FLOOR, Library.DISTLOCK_LOCK, Library.DISTLOCK_ACQUIRE,
				Library.REDISSON, Library.SHEDLOCK);
		for (Library library : onCluster) {
			String log = progress.toString(StandardCharsets.UTF_8);
			assertThat(results.scenariosMeasured(library)).as("scenarios run by %s", library).isEqualTo(3);
			assertThat(results.violations(library)).as("violations of %s; progress:%n%s", library, log).isZero();
			assertThat(results.failures(library)).as("failures of %s; progress:%n%s", library, log).isZero();
		}
	}

}
