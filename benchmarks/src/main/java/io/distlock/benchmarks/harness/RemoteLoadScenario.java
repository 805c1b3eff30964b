package io.distlock.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.distlock.benchmarks.adapter.Library;

/**
 * Scenario 4: every worker JVM's threads contend for one key from a common start, witnessed in
 * memory the JVMs share.
 */
final class RemoteLoadScenario implements Scenario {

	private static final long START_DELAY_NANOS = 200_000_000;

	private static final Duration REPORT_GRACE = Duration.ofSeconds(90);

	@Override
	public String title() {
		return "4. Contended across processes";
	}

	@Override
	public String workload() {
		return "Worker JVMs, each with several threads, on one key; the critical section only enters and leaves "
				+ "a witness in memory the JVMs share. A hand-off is one acquisition.";
	}

	@Override
	public List<Metric> metrics() {
		return List.of(Metric.HAND_OFFS_PER_SECOND, Metric.WAIT_P99, Metric.WAIT_MAX);
	}

	@Override
	public Measurement measure(Library library, Lab lab) {
		Result result = run(library, lab, lab.settings().remoteWindow());
		return Measurement.of(result.load(), result.violations(), metrics());
	}

	Result run(Library library, Lab lab, Duration window) {
		Workers workers = lab.workers();
		workers.memory().clear();
		String key = lab.keyspace(library, "remote") + "hot";
		long startAt = System.nanoTime() + START_DELAY_NANOS;
		long endAt = startAt + window.toNanos();
		List<Job> jobs = new ArrayList<>();
		for (int i = 0; i < workers.size(); i++) {
			jobs.add(Job.contend(library, key, lab.settings().threadsPerWorker(), startAt, endAt));
		}
		LoadLoop.Result total = LoadLoop.Result.EMPTY;
		long violations = 0;
		for (WorkerReport report : workers.run(jobs, window.plus(REPORT_GRACE))) {
			total = total.merge(report.result());
			violations += report.violations();
		}
		return new Result(total, violations);
	}

	record Result(LoadLoop.Result load, long violations) {

	}

}
