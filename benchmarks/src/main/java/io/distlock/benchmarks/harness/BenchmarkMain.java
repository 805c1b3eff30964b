package io.distlock.benchmarks.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.Library;

/**
 * Runs every scenario on every library and writes the report. Arguments: {@code --report <file>}
 * (default {@code docs/benchmarks.md}), {@code --cluster} (scenarios 1 to 3 on a Redis Cluster
 * instead), {@code --quick} (short windows, for development),
 * {@code --libraries floor,distlock-acquire,...}, {@code --no-jmh}, {@code --held-locks-seconds <s>}
 * (how long each held-locks load is held, default 60), {@code --transfer-seconds <s>} (how long
 * each library transfers per round of scenario 9, default 3; 0 skips it),
 * {@code --scenarios timed,redis-cost,held-locks,transfers,lock-kinds,jmh} (the groups of scenarios a
 * standalone run measures, default all; see {@link ScenarioGroup}).
 *
 * @since 1.0.0
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	/**
	 * Runs the benchmarks.
	 * @param args the options
	 */
	public static void main(String[] args) {
		Settings settings = Settings.full();
		Path report = Path.of("docs", "benchmarks.md");
		// Maven passes -Dbenchmarks.options="--quick --no-jmh" as one argument, possibly empty.
		String[] options = Arrays.stream(args).flatMap((arg) -> Arrays.stream(arg.trim().split("\\s+")))
			.filter((option) -> !option.isEmpty())
			.toArray(String[]::new);
		boolean cluster = false;
		boolean jmh = true;
		@Nullable Duration heldLocksWindow = null;
		@Nullable Duration transferWindow = null;
		@Nullable Set<ScenarioGroup> scenarios = null;
		for (int i = 0; i < options.length; i++) {
			switch (options[i]) {
				case "--report" -> report = Path.of(options[++i]);
				case "--cluster" -> cluster = true;
				case "--quick" -> settings = settings.quick();
				case "--no-jmh" -> jmh = false;
				case "--held-locks-seconds" -> heldLocksWindow = Duration.ofSeconds(Long.parseLong(options[++i]));
				case "--transfer-seconds" -> transferWindow = Duration.ofSeconds(Long.parseLong(options[++i]));
				case "--libraries" -> settings = settings.withLibraries(
						Arrays.stream(options[++i].split(",")).map(Library::of).toList());
				case "--scenarios" -> scenarios = Arrays.stream(options[++i].split(",")).map(ScenarioGroup::of)
					.collect(Collectors.toCollection(() -> EnumSet.noneOf(ScenarioGroup.class)));
				default -> throw new IllegalArgumentException("Unknown option '" + options[i] + "'; use --report <file>, "
						+ "--cluster, --quick, --no-jmh, --held-locks-seconds <s>, --transfer-seconds <s>, "
						+ "--libraries " + List.of(Library.values()) + ", --scenarios "
						+ Arrays.stream(ScenarioGroup.values())
							.map(ScenarioGroup::id)
							.collect(Collectors.joining(",")));
			}
		}
		if (scenarios != null) {
			if (cluster) {
				throw new IllegalArgumentException("--scenarios selects scenarios of the standalone run; the cluster "
						+ "run always measures its scenarios 1 to 3");
			}
			settings = settings.withScenarios(scenarios);
		}
		if (!jmh) {
			settings = settings.withoutJmh();
		}
		if (heldLocksWindow != null) {
			settings = settings.withHeldLocksWindow(heldLocksWindow);
		}
		if (transferWindow != null) {
			settings = settings.withTransferWindow(transferWindow);
		}
		String loadBefore = MachineFacts.loadAverage();
		long started = System.nanoTime();
		Results results = cluster ? BenchmarkRun.runOnCluster(settings, System.out)
				: BenchmarkRun.run(settings, System.out);
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		if (cluster) {
			MarkdownReport.writeCluster(report, results, loadBefore, took);
		}
		else {
			MarkdownReport.write(report, results, loadBefore, took);
		}
		System.out.println("Wrote " + report.toAbsolutePath().normalize() + (results.violations() > 0
				? " — " + results.violations() + " MUTUAL-EXCLUSION VIOLATIONS" : ""));
		System.exit(0);
	}

}
