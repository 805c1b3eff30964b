package io.distlock.benchmarks.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import io.distlock.benchmarks.adapter.Endpoint;
import io.distlock.benchmarks.adapter.Library;

/**
 * Runs scenario 7's JMH benchmarks with the GC profiler, in forked JVMs on the benchmark's Redis.
 *
 * @since 1.0.0
 */
public final class JmhSuite {

	private static final String ALLOCATION = "gc.alloc.rate.norm";

	private JmhSuite() {
	}

	/**
	 * Runs the benchmarks.
	 * @param endpoint the benchmark's Redis
	 * @param libraries the libraries whose cycle is measured
	 * @return one score per benchmark and parameter
	 */
	public static List<Score> run(Endpoint endpoint, List<Library> libraries) {
		Options options = new OptionsBuilder().include(CycleBenchmark.class.getName())
			.include(AspectOverheadBenchmark.class.getName())
			.include(MeterOverheadBenchmark.class.getName())
			.param("library", libraries.stream().map(Library::name).toArray(String[]::new))
			.forks(1)
			.warmupIterations(2)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(3)
			.measurementTime(TimeValue.seconds(1))
			.jvmArgsAppend(jvmArgs(endpoint))
			.addProfiler(GCProfiler.class)
			.shouldFailOnError(true)
			.build();
		Collection<RunResult> results;
		try {
			results = new Runner(options).run();
		}
		catch (RunnerException ex) {
			throw new IllegalStateException("JMH failed: " + ex.getMessage(), ex);
		}
		List<Score> scores = new ArrayList<>();
		for (RunResult result : results) {
			Result<?> primary = result.getPrimaryResult();
			Result<?> allocation = result.getSecondaryResults().get(ALLOCATION);
			String benchmark = result.getParams().getBenchmark();
			Map<String, String> params = new TreeMap<>();
			result.getParams().getParamsKeys().forEach((key) -> params.put(key, result.getParams().getParam(key)));
			scores.add(new Score(benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1),
					params, primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
					(allocation != null) ? allocation.getScore() : Double.NaN));
		}
		return scores;
	}

	/**
	 * One JMH result.
	 *
	 * @param benchmark {@code Class.method}
	 * @param params the parameters
	 * @param score the average time
	 * @param error the 99.9% confidence half-width
	 * @param unit the unit of score and error
	 * @param bytesPerOperation bytes allocated per operation (gc.alloc.rate.norm)
	 */
	public record Score(String benchmark, Map<String, String> params, double score, double error, String unit,
			double bytesPerOperation) {

	}

	private static String[] jvmArgs(Endpoint endpoint) {
		List<String> args = new ArrayList<>(endpoint.asJvmOptions());
		args.add("-Xmx512m");
		return args.toArray(new String[0]);
	}

}
