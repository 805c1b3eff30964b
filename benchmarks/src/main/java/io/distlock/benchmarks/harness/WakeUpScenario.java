package io.distlock.benchmarks.harness;

import java.time.Duration;
import java.util.List;

import io.distlock.benchmarks.adapter.Library;

/**
 * Scenario 5: how long after the holder's {@code unlock()} returns a waiter in another JVM has
 * the lock.
 */
final class WakeUpScenario implements Scenario {

	private static final Duration REPORT_TIMEOUT = Duration.ofMinutes(2);

	@Override
	public String title() {
		return "5. Wake-up latency";
	}

	@Override
	public String workload() {
		return "Two JVMs: the holder keeps the lock until the waiter is blocked in lock() and a little longer, "
				+ "then releases it; timed from the holder's unlock() returning to the waiter's lock() returning.";
	}

	@Override
	public List<Metric> metrics() {
		return List.of(Metric.WAKE_MEDIAN, Metric.WAKE_P99);
	}

	@Override
	public Measurement measure(Library library, Lab lab) {
		Workers workers = lab.workers();
		workers.memory().clear();
		String key = lab.keyspace(library, "wake") + "hot";
		Settings settings = lab.settings();
		List<WorkerReport> reports = workers.run(List.of(
				Job.hold(library, key, settings.wakeUps(), settings.wakeHold().toNanos()),
				Job.wake(library, key, settings.wakeUps())), REPORT_TIMEOUT);
		LoadLoop.Result waiter = reports.get(1).result();
		LoadLoop.Result holder = reports.get(0).result();
		String failure = (holder.firstFailure() != null) ? holder.firstFailure() : waiter.firstFailure();
		long violations = reports.get(0).violations() + reports.get(1).violations();
		Measurement measured = Measurement.of(waiter, violations, metrics());
		return new Measurement(measured.values(), violations, holder.failures() + waiter.failures(), failure);
	}

}
