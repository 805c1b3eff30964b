package io.distlock.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.jmh.JmhSuite;

/**
 * Writes a run as {@code docs/benchmarks.md}: machine, method, the targets, one table per
 * scenario with ratios to the raw floor, distlock against each competitor, and the JMH results.
 *
 * @since 1.0.0
 */
public final class MarkdownReport {

	/** The command that produces the report. */
	public static final String COMMAND = "./mvnw -pl benchmarks -am -Pbenchmarks -DskipTests verify";

	/** The command that produces the cluster run's report. */
	public static final String CLUSTER_COMMAND = "./mvnw -pl benchmarks -am -Pbenchmarks,benchmarks-cluster -DskipTests "
			+ "verify";

	private final Results results;

	private final StringBuilder out = new StringBuilder();

	private MarkdownReport(Results results) {
		this.results = results;
	}

	/**
	 * Writes the report.
	 * @param file where to write it
	 * @param results what was measured
	 * @param loadBefore the load average when the run started
	 * @param took how long the run took
	 */
	public static void write(Path file, Results results, String loadBefore, Duration took) {
		MarkdownReport report = new MarkdownReport(results);
		report.render(MachineFacts.collect(results.redisVersion(), loadBefore), took);
		report.writeTo(file);
	}

	/**
	 * Writes the report of a cluster run.
	 * @param file where to write it
	 * @param results what the cluster run measured
	 * @param loadBefore the load average when the run started
	 * @param took how long the run took
	 */
	public static void writeCluster(Path file, Results results, String loadBefore, Duration took) {
		MarkdownReport report = new MarkdownReport(results);
		report.renderCluster(MachineFacts.collect(results.redisVersion(), loadBefore), took);
		report.writeTo(file);
	}

	private void writeTo(Path file) {
		try {
			Path parent = file.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			Files.writeString(file, this.out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
	}

	private void render(Map<String, String> facts, Duration took) {
		Settings settings = this.results.settings();
		line("# Benchmarks");
		line();
		line("distlock side by side with Redisson, Spring Integration, ShedLock and Curator, against a raw floor, "
				+ "measured in one run on one Redis. Produced by `" + command(settings) + "` (issues 7 and 18) in "
				+ took.toMinutes() + " min " + took.toSecondsPart() + " s; rerun it to check these numbers on your "
				+ "machine. The same libraries on a Redis Cluster: [benchmarks-cluster.md](benchmarks-cluster.md).");
		line();
		machine(facts);
		method(settings);
		targets();
		for (Scenario scenario : this.results.scenarios()) {
			if (!(scenario instanceof LockKindScenario)) {
				scenario(scenario, "##");
			}
		}
		lockKinds(settings);
		versus();
		jmh();
	}

	private void renderCluster(Map<String, String> facts, Duration took) {
		Settings settings = this.results.settings();
		line("# Benchmarks on Redis Cluster");
		line();
		line("The Redis libraries of [benchmarks.md](benchmarks.md) on a Redis Cluster of " + ClusterLab.PRIMARIES
				+ " primaries (plain redis-server processes on loopback, no replicas), against the raw floor on the "
				+ "same cluster, measured in one run. Produced by `" + CLUSTER_COMMAND + "` (issue 13) in "
				+ took.toMinutes() + " min " + took.toSecondsPart() + " s.");
		line();
		machine(facts);
		line("## Method");
		line();
		line("- **Libraries.** " + String.join("; ", settings.libraries().stream().map(Library::label).toList())
				+ ", each with its own cluster client (the floor: `JedisCluster`, its compare-and-delete script "
				+ "loaded on every node; distlock's auto-configured lock manager, Spring Integration and ShedLock: a "
				+ "`JedisConnectionFactory` over a `RedisClusterConfiguration`; Redisson: `useClusterServers`), which "
				+ "sends each command to the "
				+ "node owning its key. Leases, pools (per node) and defaults as in the standalone run; the "
				+ "`@DistributedLock` path adds the same on a cluster as on one server and is left out.");
		line("- **Scenarios 1 to 3.** Fresh keys spread over every slot, so scenarios 1 and 2 use all "
				+ ClusterLab.PRIMARIES + " primaries; the one key of scenario 3 lives on one of them. The "
				+ "cross-process scenarios and the command counts are measured on one server only (benchmarks.md).");
		line("- **Interleaved rounds and witness** as in the standalone run: " + (settings.warmup() ? "a warm-up "
				+ "round, then " : "") + settings.rounds() + " rounds in a rotated order, medians over rounds, "
				+ "windows of " + millis(settings.window()) + "; an overlap seen by the witness is a violation.");
		line();
		for (Scenario scenario : this.results.scenarios()) {
			scenario(scenario, "##");
		}
		versus();
	}

	/**
	 * The command of a run of these settings' groups of scenarios: {@link #COMMAND}, with the
	 * selection when it is not every group.
	 */
	private static String command(Settings settings) {
		List<String> selected = Arrays.stream(ScenarioGroup.values()).filter(settings::runs).map(ScenarioGroup::id)
			.toList();
		return (selected.size() == ScenarioGroup.values().length) ? COMMAND
				: COMMAND + " -Dbenchmarks.options=\"--scenarios " + String.join(",", selected) + "\"";
	}

	private void machine(Map<String, String> facts) {
		line("## Machine");
		line();
		line("| | |");
		line("|---|---|");
		facts.forEach((label, value) -> line("| " + label + " | " + value + " |"));
		line();
	}

	private void method(Settings settings) {
		line("## Method");
		line();
		line("- **Libraries.** " + String.join("; ", settings.libraries().stream().map(Library::label).toList())
				+ ". The raw floor is one `SET key token NX PX` to acquire and one Lua compare-and-delete "
				+ "(`EVALSHA`) to release over a plain `JedisPool`, retrying a busy lock every 1 ms: the least any "
				+ "correct Redis lock can do. distlock is measured as users get it: the auto-configured "
				+ "`LockManager` bean of a small Spring Boot context with distlock's auto-configuration, one "
				+ "context per API form (`lock(key, ttl, wait)` then `await()`; `acquire(LockRequest)` in "
				+ "try-with-resources; a `@DistributedLock` bean method), with its defaults (renewal on, like "
				+ "Redisson's watchdog); distlock ZooKeeper is a `ZooKeeperLockManager` on its own Curator client. "
				+ "Spring Integration runs with its defaults (a spin lock retries every 100 ms); ShedLock's "
				+ "`RedisLockProvider` (Spring Data Redis) with its defaults (unlock is a plain `DEL`), tried again "
				+ "every 1 ms while busy, as it has no waiting lock. Every library gets a 30 s lease and a pool of "
				+ "32 connections; each has its own key namespace.");
		line("- **Interleaved rounds.** " + (settings.warmup() ? "After an unrecorded warm-up round, " : "")
				+ settings.rounds() + " rounds; in each "
				+ "round every scenario runs every library once (A B C … then A B C … again), in an order rotated "
				+ "every round. Tables show the **median over the rounds**; for the maximum wait also the worst "
				+ "round. Windows: " + millis(settings.window()) + " for scenarios 1–3, "
				+ millis(settings.remoteWindow()) + " for scenario 4, " + settings.wakeUps()
				+ " timed wake-ups per round for scenario 5.");
		line("- **Witness.** Every critical section enters and leaves a slot of memory the libraries never see "
				+ "(off-heap in one JVM, a file mapped by all worker JVMs across processes) with an atomic add; an "
				+ "entry that finds the slot taken is a **violation**. A library with violations is marked and not "
				+ "ranked.");
		if (settings.needsWorkers()) {
			line("- **Processes.** Scenarios 4 and 5 run in " + settings.workerJvms() + " worker JVMs ("
					+ settings.threadsPerWorker() + " threads each in scenario 4), started once; they take jobs from "
					+ "a second redis-server, so control traffic never reaches the measured one. Cross-process times "
					+ "use `System.nanoTime()`, one monotonic clock for the whole machine on Linux.");
		}
		if (settings.runs(ScenarioGroup.HELD_LOCKS) && !settings.heldLoads().isEmpty()) {
			line("- **Held locks.** Scenarios 8 run once each, after the worker JVMs stopped, for "
					+ String.join(" and ", settings.heldLoads().stream().map(HeldLoad::describe).toList())
					+ " held for " + settings.heldLocksWindow().toSeconds() + " s, on a fresh instance of each "
					+ "library: distlock's auto-configured lock manager with meters on (a `SimpleMeterRegistry`), "
					+ "`lock(key, ttl, wait).await()`; Redisson's `RLock.lock()` with `lockWatchdogTimeout` set to "
					+ "the ttl. Renewals are the `PEXPIRE` calls Redis executed (both renew with a script that "
					+ "checks the owner, then calls it once per lease); socket reads are Redis's "
					+ "`total_reads_processed`: at least one per round trip, and a pipelined batch is read in chunks "
					+ "of up to 16 KB. CPU is this process's (`getProcessCpuTime`), the other libraries open and "
					+ "idle in it.");
		}
		this.results.scenario("9.").ifPresent((transfers) -> transfersMethod(settings));
		line();
	}

	private void transfersMethod(Settings settings) {
		line("- **Two-key transfers.** Scenario 9 runs after scenarios 8, in " + (settings.warmup() ? "a warm-up "
				+ "round and " : "") + settings.rounds() + " rounds of its own (order rotated every round, medians "
				+ "over rounds), " + millis(settings.transferWindow()) + " per library and round, for the libraries "
				+ "with a multi-key lock: distlock's auto-configured `LockManager` bean as `lockAll(List.of(from, "
				+ "to), ttl, wait)` then `await()`, and a `@DistributedLock(key = \"{#from, #to}\")` bean method; "
				+ "Redisson's `RedissonMultiLock` (`getMultiLock(lockA, lockB)`, `tryLock(wait, lease, unit)`, "
				+ "`unlock()`), all with the 30 s lease and a 30 s wait (distlock renews it, as by default; "
				+ "Redisson's explicit lease turns its watchdog off). distlock takes the keys in one global "
				+ "order itself; `RedissonMultiLock` takes its locks in the order given, each waiting up to the "
				+ "whole bound, so it is given them in key order, else two transfers over one pair in opposite "
				+ "directions would each hold one lock until the wait ran out. The witness is the accounts': an "
				+ "in-use counter (`AtomicInteger`) per account, which a transfer that finds either account in use "
				+ "counts as a violation, and the total of all balances, compared with the opening total after "
				+ "each round.");
	}

	/**
	 * The targets of issues 18 and 7, each table only if this run measured any of its targets.
	 */
	private void targets() {
		List<Targets.Row> atScale = Targets.atScale(this.results);
		List<Targets.Row> issue7 = Targets.remainingOfIssue7(this.results);
		if (anyMeasured(atScale)) {
			line("## Targets (issue 18)");
			line();
			line("Each distlock API form as its own library; ratios of medians from this run.");
			line();
			targetTable(atScale);
		}
		if (anyMeasured(issue7)) {
			line("## Issue 7's other targets");
			line();
			targetTable(issue7);
		}
		if (anyMeasured(atScale) || anyMeasured(issue7)) {
			missedTargetsLink();
		}
	}

	private void missedTargetsLink() {
		line("Where a target is missed, [benchmarks/README.md]"
				+ "(../benchmarks/README.md#where-distlock-misses-a-target-and-why) says what limits it, with the "
				+ "measurements.");
		line();
	}

	private static boolean anyMeasured(List<Targets.Row> rows) {
		return rows.stream().anyMatch((row) -> row.met() != null);
	}

	/**
	 * Scenarios 10a to 10c under a heading of their own: how they ran, their targets and tables.
	 */
	private void lockKinds(Settings settings) {
		List<Scenario> kinds = this.results.scenarios()
			.stream()
			.filter(LockKindScenario.class::isInstance)
			.toList();
		if (kinds.isEmpty()) {
			return;
		}
		line("## Lock kinds");
		line();
		line("Shared locks and permits (`LockRequest.withMode(LockMode.SHARED)`, `withPermits(n)`) against "
				+ "Redisson's `RReadWriteLock` and `RPermitExpirableSemaphore`. Scenarios 10a to 10c run "
				+ (settings.runs(ScenarioGroup.TRANSFERS) ? "after scenario 9, " : "") + "with no worker JVM running, "
				+ "in " + (settings.warmup() ? "a warm-up round and " : "") + settings.rounds() + " rounds of their "
				+ "own (order rotated every round, medians over rounds), " + millis(settings.window()) + " per "
				+ "library and round, for distlock's auto-configured `LockManager` bean as `lock(request)` then "
				+ "`await()` and as `acquire(request)` in try-with-resources, the request being "
				+ "`LockRequest.of(key, ttl).withWaitTime(wait)` with the mode or permits (renewal on, as by "
				+ "default), and for Redisson's read and write `RLock`s of one `RReadWriteLock` with `lock()` "
				+ "(the watchdog renewing) and its `RPermitExpirableSemaphore`, whose permits are set once per key, "
				+ "with `tryAcquire(wait, lease, unit)` (the lease not renewed) and `release(permitId)`; all with "
				+ "the 30 s lease and wait, on the same Redis. Each operation is one acquire and one release "
				+ "around the same tiny critical section.");
		line();
		List<Targets.Row> targets = Targets.lockKinds(this.results);
		if (anyMeasured(targets)) {
			targetTable(targets);
			missedTargetsLink();
		}
		for (Scenario scenario : kinds) {
			scenario(scenario, "###");
		}
	}

	private void targetTable(List<Targets.Row> rows) {
		long judged = rows.stream().filter((row) -> row.met() != null).count();
		long metCount = rows.stream().filter((row) -> Boolean.TRUE.equals(row.met())).count();
		line("This run meets " + metCount + " of the " + judged + " targets it measured.");
		line();
		line("| target | distlock | measured | met |");
		line("|---|---|---|---|");
		for (Targets.Row row : rows) {
			String met = (row.met() == null) ? "–" : (row.met() ? "✅ yes" : "❌ no");
			line("| " + row.target() + " | " + row.library() + " | " + row.measured() + " | " + met + " |");
		}
		line();
	}

	private void scenario(Scenario scenario, String heading) {
		List<Metric> metrics = scenario.metrics();
		Metric headline = metrics.get(0);
		Optional<Summary> floor = this.results.summary(scenario, Library.FLOOR);
		boolean ratios = scenario.comparesToFloor() && floor.isPresent();
		line(heading + " " + scenario.title());
		line();
		line(scenario.workload());
		line();
		StringBuilder header = new StringBuilder("| library |");
		StringBuilder rule = new StringBuilder("|---|");
		for (Metric metric : metrics) {
			header.append(' ').append(metric.header()).append(" |");
			rule.append("---:|");
			if (ratios && metric == headline) {
				header.append(" vs floor |");
				rule.append("---:|");
			}
		}
		line(header + " violations | failures |");
		line(rule + "---:|---:|");
		for (Library library : this.results.settings().libraries()) {
			Optional<Summary> found = this.results.summary(scenario, library);
			if (found.isEmpty()) {
				continue;
			}
			Summary summary = found.get();
			StringBuilder row = new StringBuilder("| " + label(scenario, library, summary) + " |");
			for (Metric metric : metrics) {
				row.append(' ')
					.append(metric.format(metric.reportsWorstRound() ? summary.worst(metric) : summary.median(metric)));
				if (metric == Metric.WAIT_MAX) {
					row.append(" (").append(metric.format(summary.worst(metric))).append(')');
				}
				row.append(" |");
				if (ratios && metric == headline) {
					row.append(' ').append(floor.map((it) -> ratio(summary.median(metric) / it.median(metric)))
						.orElse("–")).append(" |");
				}
			}
			line(row + " " + summary.violations() + " | " + summary.failures() + " |");
		}
		line();
		if (!scenario.comparesToFloor()) {
			for (Library library : this.results.settings().libraries()) {
				this.results.summary(scenario, library)
					.ifPresent((summary) -> line("- " + scenario.label(library) + ": " + summary.note()));
			}
			line();
		}
		else {
			for (Library library : this.results.settings().libraries()) {
				this.results.summary(scenario, library)
					.filter((summary) -> summary.failures() > 0)
					.ifPresent((summary) -> line("- " + scenario.label(library) + " failed " + summary.failures()
							+ " operations, first: `" + summary.note() + "`"));
			}
		}
	}

	private void versus() {
		List<Library> competitors = this.results.settings()
			.libraries()
			.stream()
			// distlock on Redis against the Redis competitors; the ZooKeeper libraries stand beside them in the tables.
			.filter((library) -> library.role() == Library.Role.COMPETITOR && library.store() == Library.Store.REDIS)
			.toList();
		List<Library> forms = Targets.FORMS.stream().filter(this.results.settings().libraries()::contains).toList();
		if (competitors.isEmpty() || forms.isEmpty()) {
			return;
		}
		line("## distlock against each competitor");
		line();
		line("How many times better each distlock API form is, per scenario's headline metric: its value over the "
				+ "competitor's for throughput, the competitor's over its own for latency (above 1: distlock is "
				+ "better).");
		line();
		StringBuilder header = new StringBuilder("| scenario | distlock |");
		StringBuilder rule = new StringBuilder("|---|---|");
		competitors.forEach((library) -> {
			header.append(' ').append(library.label()).append(" |");
			rule.append("---:|");
		});
		line(header.toString());
		line(rule.toString());
		for (Scenario scenario : this.results.scenarios()) {
			if (!scenario.comparesToFloor()) {
				continue;
			}
			for (Library form : forms) {
				if (scenario.runs(form)) {
					versusRow(scenario, form, competitors);
				}
			}
		}
		line();
	}

	private void versusRow(Scenario scenario, Library form, List<Library> competitors) {
		Metric headline = scenario.metrics().get(0);
		Optional<Summary> ours = this.results.summary(scenario, form);
		StringBuilder row = new StringBuilder("| " + scenario.title() + " (" + headline.header() + ") | "
				+ form.label() + " |");
		for (Library competitor : competitors) {
			Optional<Summary> theirs = this.results.summary(scenario, competitor);
			String cell = "–";
			if (ours.isPresent() && theirs.isPresent()) {
				double mine = ours.get().median(headline);
				double other = theirs.get().median(headline);
				cell = ratio(headline.higherIsBetter() ? mine / other : other / mine)
						+ (theirs.get().clean() ? "" : " (competitor had violations)");
			}
			row.append(' ').append(cell).append(" |");
		}
		line(row.toString());
	}

	private void jmh() {
		List<JmhSuite.Score> scores = this.results.jmh();
		if (scores.isEmpty()) {
			return;
		}
		line("## 7. Aspect and meter overhead, allocation (JMH)");
		line();
		line("JMH 1.37, one fork, average time per operation with its 99.9% error, and `-prof gc` bytes allocated "
				+ "per operation (all threads of the JVM, so a library's background threads count). One thread, "
				+ "uncontended, fresh keys made before measuring.");
		line();
		line("| benchmark | parameter | µs/op | ± | B/op |");
		line("|---|---|---:|---:|---:|");
		for (JmhSuite.Score score : scores) {
			String parameter = score.params().values().stream().findFirst().orElse("");
			if (score.params().containsKey("library")) {
				parameter = Library.valueOf(parameter).label();
			}
			line("| " + score.benchmark() + " | " + parameter + " | "
					+ String.format(Locale.ROOT, "%.2f | %.2f | %,.0f |", score.score(), score.error(),
							score.bytesPerOperation()));
		}
		line();
	}

	private static String label(Scenario scenario, Library library, Summary summary) {
		String label = (library.role() == Library.Role.DISTLOCK) ? "**" + scenario.label(library) + "**"
				: scenario.label(library);
		return summary.clean() ? label : label + " ⚠ **" + summary.violations() + " violations, not ranked**";
	}

	private static String ratio(double value) {
		return String.format(Locale.ROOT, "%.2f×", value);
	}

	private static String millis(Duration duration) {
		return duration.toMillis() + " ms";
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

	private void line() {
		this.out.append('\n');
	}

}
