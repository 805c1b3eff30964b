package io.distlock.benchmarks.harness;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.sun.management.OperatingSystemMXBean;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.adapter.LockHolder;
import io.distlock.testsupport.RedisServer;

/**
 * Scenarios 8a and 8b: one JVM holds many locks of a short ttl at once, renewed by the library,
 * for a window; what it costs (threads, Redis traffic, CPU) and whether every lease survives.
 * Each library is opened afresh for it, so that its threads can be told from the idle JVM's.
 */
final class HeldLocksScenario implements Scenario {

	/** Threads that take (and later release) the locks. */
	static final int THREADS = 4;

	private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(3);

	private static final Set<String> SCRIPT_CALLS = Set.of("eval", "evalsha", "eval_ro", "evalsha_ro", "fcall");

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final String number;

	private final HeldLoad load;

	HeldLocksScenario(String number, HeldLoad load) {
		this.number = number;
		this.load = load;
	}

	HeldLoad load() {
		return this.load;
	}

	@Override
	public String title() {
		return this.number + " Held locks: " + this.load.describe();
	}

	@Override
	public String workload() {
		return String.format(Locale.ROOT, "One JVM holds %,d locks with a ttl of %,d ms at once, taken by %d threads "
				+ "(and released by the thread that took each), renewed by the library throughout the window. "
				+ "Measured over the window: leases not held at the end (asked on the taking thread), leases the "
				+ "library signalled lost, lock keys missing from Redis at the end, library threads (live threads "
				+ "started since the library was opened, the %d holding threads left out) and those of them named "
				+ "after the library, lease renewals (PEXPIRE executed), scripts sent and socket reads per second "
				+ "on the measured Redis, and process CPU time per renewal.", this.load.locks(), this.load.ttl().toMillis(), THREADS,
				THREADS);
	}

	@Override
	public List<Metric> metrics() {
		return List.of(Metric.HELD_LOST, Metric.HELD_SIGNALLED, Metric.HELD_MISSING, Metric.LIBRARY_THREADS,
				Metric.NAMED_THREADS, Metric.RENEWALS_PER_SECOND, Metric.SCRIPTS_PER_SECOND, Metric.READS_PER_SECOND,
				Metric.CPU_PER_RENEWAL);
	}

	@Override
	public boolean comparesToFloor() {
		return false;
	}

	@Override
	public boolean runs(Library library) {
		return library.holdsLocks();
	}

	@Override
	public Measurement measure(Library library, Lab lab) {
		String keyspace = lab.keyspace(library, "held");
		List<String> keys = new ArrayList<>(this.load.locks());
		for (int i = 0; i < this.load.locks(); i++) {
			keys.add(keyspace + i);
		}
		Set<Thread> idleThreads = Thread.getAllStackTraces().keySet();
		try (LockHolder holder = library.openHolder(lab.endpoint(), this.load.ttl())) {
			long takeStarted = System.nanoTime();
			HoldingThreads holding = HoldingThreads.take(holder, keys, THREADS, PHASE_TIMEOUT);
			Duration took = Duration.ofNanos(System.nanoTime() - takeStarted);
			Held held;
			HoldingThreads.Outcome outcome;
			try {
				held = hold(holder, keys, lab, idleThreads);
			}
			finally {
				outcome = holding.release(PHASE_TIMEOUT);
			}
			return measured(holder, held, outcome, took);
		}
	}

	/**
	 * Keeps the locks for the window and looks at the JVM and Redis at its end, before release.
	 * Library threads are those started since the library was opened, the holding threads left out.
	 */
	private static Held hold(LockHolder holder, List<String> keys, Lab lab, Set<Thread> idleThreads) {
		Snapshot before = Snapshot.take(lab.bench());
		sleep(lab.settings().heldLocksWindow());
		Snapshot after = Snapshot.take(lab.bench());
		List<Thread> started = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> !idleThreads.contains(thread) && !thread.getName().startsWith(HoldingThreads.PREFIX))
			.toList();
		long named = started.stream().filter((thread) -> thread.getName().startsWith(holder.threadPrefix())).count();
		return new Held(before, after, started.size(), named, missing(lab.bench(), holder, keys));
	}

	private Measurement measured(LockHolder holder, Held held, HoldingThreads.Outcome outcome, Duration took) {
		Map<String, Long> calls = ServerStats.delta(held.before().calls(), held.after().calls());
		double seconds = (held.after().at() - held.before().at()) / 1e9;
		long renewals = calls.getOrDefault("pexpire", 0L);
		long scripts = calls.entrySet()
			.stream()
			.filter((call) -> SCRIPT_CALLS.contains(call.getKey()))
			.mapToLong(Map.Entry::getValue)
			.sum();
		long cpuNanos = held.after().cpuNanos() - held.before().cpuNanos();
		long signalled = holder.signalledLost();
		Map<Metric, Double> values = new EnumMap<>(Metric.class);
		values.put(Metric.HELD_LOST, (double) outcome.notHeld());
		values.put(Metric.HELD_SIGNALLED, (signalled < 0) ? Double.NaN : signalled);
		values.put(Metric.HELD_MISSING, (double) held.missing());
		values.put(Metric.LIBRARY_THREADS, (double) held.libraryThreads());
		values.put(Metric.NAMED_THREADS, (double) held.named());
		values.put(Metric.RENEWALS_PER_SECOND, renewals / seconds);
		values.put(Metric.SCRIPTS_PER_SECOND, scripts / seconds);
		values.put(Metric.READS_PER_SECOND, (held.after().reads() - held.before().reads()) / seconds);
		values.put(Metric.CPU_PER_RENEWAL, (renewals > 0) ? cpuNanos / 1e3 / renewals : Double.NaN);
		String perSecond = calls.entrySet()
			.stream()
			.map((call) -> String.format(Locale.ROOT, (call.getValue() / seconds >= 10) ? "%s %,.0f" : "%s %.2f",
					call.getKey().toUpperCase(Locale.ROOT), call.getValue() / seconds))
			.collect(Collectors.joining(", "));
		String note = String.format(Locale.ROOT, "%,d locks taken in %.1f s; %s; new threads named %s*: %d; "
				+ "commands per second over %.1f s: %s; process CPU %.1f%% of one core", this.load.locks(),
				took.toMillis() / 1e3, holder.lossNote(), holder.threadPrefix(), held.named(), seconds,
				perSecond.isEmpty() ? "none" : perSecond, 100.0 * cpuNanos / 1e9 / seconds);
		if (outcome.firstFailure() != null) {
			note += "; first failure: " + outcome.firstFailure();
		}
		return new Measurement(values, 0, outcome.failures(), note);
	}

	private static long missing(RedisServer server, LockHolder holder, List<String> keys) {
		try (Jedis jedis = server.jedis(PHASE_TIMEOUT)) {
			Pipeline pipeline = jedis.pipelined();
			List<Response<Boolean>> exists = keys.stream().map((key) -> pipeline.exists(holder.redisKey(key))).toList();
			pipeline.sync();
			return exists.stream().filter((found) -> !found.get()).count();
		}
	}

	private static void sleep(Duration window) {
		try {
			Thread.sleep(window.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while holding the locks", ex);
		}
	}

	/**
	 * What the end of the window showed: the counters at both ends, library threads, threads
	 * named after the library, and lock keys missing from Redis.
	 */
	private record Held(Snapshot before, Snapshot after, int libraryThreads, long named, long missing) {

	}

	/**
	 * The measured server's counters and this process's CPU time at one moment.
	 */
	private record Snapshot(Map<String, Long> calls, long reads, long cpuNanos, long at) {

		static Snapshot take(RedisServer server) {
			return new Snapshot(ServerStats.commandCalls(server), ServerStats.readsProcessed(server),
					OS.getProcessCpuTime(), System.nanoTime());
		}

	}

}
