package io.distlock.benchmarks.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.distlock.benchmarks.adapter.Library;

/**
 * Runs every scenario on every library and writes the report. Arguments: {@code --report <file>}
 * (default {@code docs/benchmarks.md}), {@code --quick} (short windows, for development),
 * {@code --libraries floor,distlock,...}, {@code --no-jmh}.
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
		for (int i = 0; i < options.length; i++) {
			switch (options[i]) {
				case "--report" -> report = Path.of(options[++i]);
				case "--quick" -> settings = settings.quick();
				case "--no-jmh" -> settings = settings.withJmh(false);
				case "--libraries" -> settings = settings.withLibraries(
						Arrays.stream(options[++i].split(",")).map(Library::of).toList());
				default -> throw new IllegalArgumentException("Unknown option '" + options[i] + "'; use --report <file>, "
						+ "--quick, --no-jmh, --libraries " + List.of(Library.values()));
			}
		}
		String loadBefore = MachineFacts.loadAverage();
		long started = System.nanoTime();
		Results results = BenchmarkRun.run(settings, System.out);
		MarkdownReport.write(report, results, loadBefore, Duration.ofNanos(System.nanoTime() - started));
		System.out.println("Wrote " + report.toAbsolutePath().normalize() + (results.violations() > 0
				? " — " + results.violations() + " MUTUAL-EXCLUSION VIOLATIONS" : ""));
		System.exit(0);
	}

}
