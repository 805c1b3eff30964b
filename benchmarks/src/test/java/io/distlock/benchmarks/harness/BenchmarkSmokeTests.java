package io.distlock.benchmarks.harness;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.distlock.benchmarks.adapter.Library;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BenchmarkRun}: a run of a few seconds, every library under scenarios 1 to 6 (1 to 5 on ZooKeeper),
 * and the Redis libraries under scenarios 1 to 3 on a cluster, that only shows the harness works and the witness
 * saw no overlap. The full run is
 * {@value MarkdownReport#COMMAND}.
 */
class BenchmarkSmokeTests {

	@Test
	void everyLibraryRunsEveryScenarioWithoutViolations() {
		ByteArrayOutputStream progress = new ByteArrayOutputStream();
		Results results = BenchmarkRun.run(Settings.smoke(), new PrintStream(progress, true, StandardCharsets.UTF_8));
		for (Library library : Library.values()) {
			// Scenario 6 counts Redis commands, which a ZooKeeper library does not send.
			int scenarios = (library.store() == Library.Store.REDIS) ? 6 : 5;
			assertThat(results.scenariosMeasured(library)).as("scenarios run by %s", library).isEqualTo(scenarios);
			assertThat(results.violations(library)).as("violations of %s; progress:%n%s", library,
					progress.toString(StandardCharsets.UTF_8)).isZero();
		}
	}

	@Test
	void everyClusterLibraryRunsScenariosOneToThreeOnAClusterWithoutViolationsOrFailures() {
		ByteArrayOutputStream progress = new ByteArrayOutputStream();
		Results results = BenchmarkRun.runOnCluster(Settings.smoke(),
				new PrintStream(progress, true, StandardCharsets.UTF_8));
		List<Library> onCluster = Arrays.stream(Library.values()).filter(Library::runsOnCluster).toList();
		assertThat(onCluster).contains(Library.FLOOR, Library.DISTLOCK, Library.REDISSON);
		for (Library library : onCluster) {
			String log = progress.toString(StandardCharsets.UTF_8);
			assertThat(results.scenariosMeasured(library)).as("scenarios run by %s", library).isEqualTo(3);
			assertThat(results.violations(library)).as("violations of %s; progress:%n%s", library, log).isZero();
			assertThat(results.failures(library)).as("failures of %s; progress:%n%s", library, log).isZero();
		}
	}

}
