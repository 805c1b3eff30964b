package io.distlock.benchmarks.harness;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.distlock.benchmarks.adapter.Library;

/**
 * Scenario 6: Redis commands per uncontended cycle and per contended hand-off, in one JVM and
 * across JVMs, from {@code INFO commandstats} deltas. Commands are counted, not timed, so it runs
 * once rather than every round.
 */
final class RedisCostScenario implements Scenario {

	private final LocalLoadScenario uncontended;

	private final LocalLoadScenario contended;

	private final RemoteLoadScenario remote;

	RedisCostScenario(LocalLoadScenario uncontended, LocalLoadScenario contended, RemoteLoadScenario remote) {
		this.uncontended = uncontended;
		this.contended = contended;
		this.remote = remote;
	}

	@Override
	public String title() {
		return "6. Redis cost";
	}

	@Override
	public String workload() {
		return "The workloads of scenarios 1, 3 and 4, each for a short window, between CONFIG RESETSTAT and INFO "
				+ "commandstats. *Sent* counts the commands clients sent (round trips); *executed* adds the "
				+ "commands scripts ran (told apart by MONITOR). Per completed cycle or hand-off, failed "
				+ "attempts, retries and pub/sub included.";
	}

	@Override
	public List<Metric> metrics() {
		return List.of(Metric.UNCONTENDED_SENT, Metric.UNCONTENDED_EXECUTED, Metric.LOCAL_HAND_OFF_SENT,
				Metric.LOCAL_HAND_OFF_EXECUTED, Metric.REMOTE_HAND_OFF_SENT, Metric.REMOTE_HAND_OFF_EXECUTED);
	}

	@Override
	public boolean comparesToFloor() {
		return false;
	}

	/**
	 * Only the libraries on Redis: a ZooKeeper library sends no Redis commands.
	 */
	@Override
	public boolean runs(Library library) {
		return library.store() == Library.Store.REDIS;
	}

	@Override
	public Measurement measure(Library library, Lab lab) {
		long window = lab.settings().costWindow().toNanos();
		try (CommandCounter counter = new CommandCounter(lab.bench())) {
			Occupancy alone = lab.localWitness();
			Counted single = count(counter, () -> this.uncontended.run(library, lab, alone, window));
			Occupancy local = lab.localWitness();
			Counted contendedLocally = count(counter, () -> this.contended.run(library, lab, local, window));
			RemoteLoadScenario.Result[] remoteResult = new RemoteLoadScenario.Result[1];
			Counted contendedRemotely = count(counter, () -> {
				remoteResult[0] = this.remote.run(library, lab, lab.settings().costWindow());
				return remoteResult[0].load();
			});
			Map<Metric, Double> values = new EnumMap<>(Metric.class);
			values.put(Metric.UNCONTENDED_SENT, single.sent());
			values.put(Metric.UNCONTENDED_EXECUTED, single.executed());
			values.put(Metric.LOCAL_HAND_OFF_SENT, contendedLocally.sent());
			values.put(Metric.LOCAL_HAND_OFF_EXECUTED, contendedLocally.executed());
			values.put(Metric.REMOTE_HAND_OFF_SENT, contendedRemotely.sent());
			values.put(Metric.REMOTE_HAND_OFF_EXECUTED, contendedRemotely.executed());
			long violations = alone.violations() + local.violations() + remoteResult[0].violations();
			long failures = single.load.failures() + contendedLocally.load.failures()
					+ contendedRemotely.load.failures();
			String note = "uncontended, " + single.describe() + " — one JVM, " + contendedLocally.describe()
					+ " — across JVMs, " + contendedRemotely.describe();
			return new Measurement(values, violations, failures, note);
		}
	}

	private static Counted count(CommandCounter counter, Supplier<LoadLoop.Result> workload) {
		LoadLoop.Result[] result = new LoadLoop.Result[1];
		CommandCounter.Counts counts = counter.count(() -> result[0] = workload.get());
		return new Counted(counts, result[0]);
	}

	private record Counted(CommandCounter.Counts counts, LoadLoop.Result load) {

		double sent() {
			return (double) this.counts.sentTotal() / Math.max(1, this.load.operations());
		}

		double executed() {
			return (double) this.counts.executedTotal() / Math.max(1, this.load.operations());
		}

		String describe() {
			return this.counts.describe(this.load.operations());
		}

	}

}
