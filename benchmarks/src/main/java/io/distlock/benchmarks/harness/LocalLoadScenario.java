package io.distlock.benchmarks.harness;

import java.util.List;

import io.distlock.benchmarks.adapter.Library;

/**
 * Threads of this JVM locking as fast as they can, on fresh keys of their own or all on one key.
 */
final class LocalLoadScenario implements Scenario {

	private final String title;

	private final int threads;

	private final boolean oneKey;

	private final List<Metric> metrics;

	LocalLoadScenario(String title, int threads, boolean oneKey, List<Metric> metrics) {
		this.title = title;
		this.threads = threads;
		this.oneKey = oneKey;
		this.metrics = metrics;
	}

	static LocalLoadScenario uncontended() {
		return new LocalLoadScenario("1. Uncontended", 1, false,
				List.of(Metric.OPS_PER_SECOND, Metric.CYCLE_P50, Metric.CYCLE_P99, Metric.CYCLE_P999));
	}

	static LocalLoadScenario parallel(int threads) {
		return new LocalLoadScenario("2. Parallel", threads, false, List.of(Metric.OPS_PER_SECOND, Metric.CYCLE_P99));
	}

	static LocalLoadScenario contended(int threads) {
		return new LocalLoadScenario("3. Contended in one JVM", threads, true,
				List.of(Metric.HAND_OFFS_PER_SECOND, Metric.WAIT_P99, Metric.WAIT_MAX));
	}

	@Override
	public String title() {
		return this.title;
	}

	@Override
	public String workload() {
		if (this.oneKey) {
			return this.threads + " threads in one JVM on one key; the critical section only enters and leaves the "
					+ "witness. A hand-off is one acquisition; the wait is from calling lock to holding it.";
		}
		return this.threads + ((this.threads == 1) ? " thread" : " threads") + ", lock + unlock on a fresh key each "
				+ "time, no two threads on one key; latency is of the whole lock + unlock cycle.";
	}

	@Override
	public List<Metric> metrics() {
		return this.metrics;
	}

	@Override
	public Measurement measure(Library library, Lab lab) {
		return measureOn(library, lab);
	}

	/**
	 * Measures {@code library} on any bench, a cluster one included.
	 */
	Measurement measureOn(Library library, LocalBench bench) {
		Occupancy witness = bench.localWitness();
		LoadLoop.Result result = run(library, bench, witness, bench.settings().window().toNanos());
		return Measurement.of(result, witness.violations(), this.metrics);
	}

	LoadLoop.Result run(Library library, LocalBench bench, Occupancy witness, long windowNanos) {
		String keyspace = bench.keyspace(library, "local");
		LoadLoop.Keys keys = this.oneKey ? LoadLoop.Keys.single(keyspace + "hot") : LoadLoop.Keys.fresh(keyspace);
		long startAt = System.nanoTime() + 20_000_000;
		return LoadLoop.run(bench.adapter(library), this.threads, keys, witness, startAt, startAt + windowNanos);
	}

}
