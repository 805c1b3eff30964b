package io.distlock.benchmarks.harness;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.distlock.benchmarks.adapter.Library;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BenchmarkRun}: a run of a few seconds, every library under scenarios 1 to 6 (1 to 5 on ZooKeeper),
 * that only shows the harness works and the witness saw no overlap. The full run is
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

}
