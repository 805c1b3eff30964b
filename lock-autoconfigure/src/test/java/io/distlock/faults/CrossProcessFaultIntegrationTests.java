package io.distlock.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.crossprocess.LockTarget;
import io.distlock.leader.LeaderWorker;
import io.distlock.redis.SectionLog;
import io.distlock.redis.TestRedis;
import io.distlock.redis.Witness;
import io.distlock.redis.WitnessedRedis;
import io.distlock.testsupport.JavaProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite's scenarios across worker JVMs (issue 8: 1 load, 2 holder crash, 3 holder
 * pause, 8 thundering herd; issue 12: leader failover), each critical section recorded by an
 * independent {@link Witness}. Sizes follow {@link FaultScale}; figures go to
 * {@link ReliabilityReport}.
 */
class CrossProcessFaultIntegrationTests {

	private static final Duration STARTUP = Duration.ofSeconds(30);

	private static final Duration TTL = Duration.ofSeconds(1);

	private static final List<String> WORKER_JVM = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

	@RegisterExtension
	static final WitnessedRedis redis = new WitnessedRedis();

	private final List<JavaProcess> workers = new ArrayList<>();

	@BeforeAll
	static void noteVersion() {
		ReliabilityReport.redisVersion(redis.locks().version());
	}

	@AfterEach
	void stopWorkers() {
		this.workers.forEach(JavaProcess::close);
	}

	private JavaProcess worker(String mode, String key, Object... more) {
		List<String> args = new ArrayList<>(List.of(mode, redis.locks().host(), Integer.toString(redis.locks().port()),
				Integer.toString(redis.witness().port()), key));
		for (Object arg : more) {
			args.add(String.valueOf(arg));
		}
		JavaProcess worker = JavaProcess.start(FaultWorker.class, WORKER_JVM, args.toArray(new String[0]));
		this.workers.add(worker);
		return worker;
	}

	private static Witness witness() {
		return new Witness(redis.witness().host(), redis.witness().port());
	}

	@Test
	void faultFreeLoadNeverOverlapsNorLosesAnIncrement() throws Exception {
		int processes = 3;
		int threads = 8;
		int keys = 4;
		int acquisitions = ReliabilityReport.size("load-acquisitions", 6_000, 1_000_000);
		List<JavaProcess> loaders = new ArrayList<>();
		for (int i = 0; i < processes; i++) {
			loaders.add(worker("load", "load", threads, acquisitions / processes, keys));
		}
		long slowest = 0;
		for (JavaProcess loader : loaders) {
			assertThat(loader.waitFor(Duration.ofMinutes(FaultScale.full() ? 30 : 3))).as(loader.output()).isZero();
			String done = loader.awaitLine((line) -> line.startsWith("DONE"), STARTUP);
			slowest = Math.max(slowest, Long.parseLong(done.substring("DONE ".length())));
		}
		long total = (long) (acquisitions / processes) * processes;
		long counted = 0;
		long refused = 0;
		long offlineOverlaps = 0;
		long outOfOrder = 0;
		try (Witness witness = witness()) {
			for (int key = 0; key < keys; key++) {
				String lock = "load:" + key;
				counted += witness.count(lock, "counter");
				refused += witness.count(lock, "fenced-refused");
				SectionLog sections = witness.sections(lock);
				offlineOverlaps += sections.overlaps();
				outOfOrder += sections.tokensOutOfOrder();
			}
			long overlaps = witness.count("overlaps");
			long throughput = total * 1_000_000_000L / slowest;
			ReliabilityReport.add(new ReliabilityReport.Row(10, "1", "Fault-free load: 3 JVMs x 8 threads, 4 keys", total,
					overlaps + " (offline: " + offlineOverlaps + ")", Long.toString(total - counted),
					Long.toString(refused), "-", "-", throughput + " acquisitions/s; tokens out of order: " + outOfOrder));
			assertThat(overlaps).isZero();
			assertThat(offlineOverlaps).isZero();
			assertThat(counted).isEqualTo(total);
			assertThat(refused).isZero();
			assertThat(outOfOrder).isZero();
		}
		Residue.check(redis.locks(), TTL);
	}

	@Test
	void crashedHolderIsSucceededWithinTtlPlusOneSecond() throws Exception {
		int trials = ReliabilityReport.size("crash-trials", 3, 200);
		Latencies takeOvers;
		try (Witness witness = witness();
				Succession succession = new Succession(() -> worker("hold", "crash", TTL.toMillis()), witness,
						"held:crash")) {
			takeOvers = succession.run(trials, 3, STARTUP);
		}
		ReliabilityReport.add(new ReliabilityReport.Row(20, "2", "Holder kill -9 inside the section, ttl 1s", trials, "-",
				"-", "-", takeOvers.summary(), "-", "bound: ttl + 1s = 2000 ms; later than ttl + 100 ms: " + takeOvers.countAbove(TTL.plusMillis(100))));
		assertThat(takeOvers.max()).isLessThanOrEqualTo(TTL.plusSeconds(1));
		Residue.check(redis.locks(), TTL.plusSeconds(1));
	}

	@Test
	void pausedHolderIsFencedOffAndToldOnceItsLeaseRanOut() throws Exception {
		int trials = ReliabilityReport.size("pause-trials", 1, 10);
		int order = 31;
		String ids = "abc";
		for (double factor : new double[] { 0.5, 1.5, 5 }) {
			PauseFigures figures = new PauseFigures();
			for (int trial = 0; trial < trials; trial++) {
				pauseTrial("pause-" + order + "-" + trial, Duration.ofMillis((long) (TTL.toMillis() * factor)), figures);
			}
			ReliabilityReport.add(new ReliabilityReport.Row(order, "3" + ids.charAt(order - 31), "Holder SIGSTOP for "
					+ factor + " x ttl (1s)", trials, Long.toString(figures.overlaps), Long.toString(figures.lostIncrements),
					Long.toString(figures.staleAccepted), figures.takeOvers.summary(),
					(figures.lost == 0) ? "- (lease kept)" : (figures.reported == figures.lost) ? "yes" : "NO",
					"leases lost: " + figures.lost + "; taken over during the pause: " + figures.takenOver
							+ "; new lock intact after the stale unlock: " + figures.intact + "/" + figures.takenOver));
			if (factor < 1) {
				assertThat(figures.overlaps).as("overlaps below the ttl").isZero();
				assertThat(figures.lost).isZero();
			}
			assertThat(figures.staleAccepted).isZero();
			assertThat(figures.reported).isEqualTo(figures.lost);
			assertThat(figures.intact).isEqualTo(figures.takenOver);
			order++;
		}
		Residue.check(redis.locks(), TTL);
	}

	private void pauseTrial(String key, Duration pause, PauseFigures figures) throws Exception {
		JavaProcess holder = worker("section", key, TTL.toMillis(), 300);
		long staleToken = Long.parseLong(holder.awaitLine((line) -> line.startsWith("HELD"), STARTUP).substring(5));
		holder.pause();
		long resumeAt = System.nanoTime() + pause.toNanos();
		try (TestRedis.Manager manager = TestRedis.Manager.start(redis.locks().host(), redis.locks().port());
				Witness witness = witness()) {
			LockHandle contender = manager.locks()
				.lock(LockRequest.of(key, Duration.ofSeconds(10)).withWaitTime(pause.plusSeconds(10)));
			CompletableFuture<LockResult> acquired = contender.result();
			boolean takenOver = false;
			while (System.nanoTime() - resumeAt < 0) {
				if (!takenOver && acquired.isDone()) {
					// In while the frozen holder is still inside, and written before it resumes.
					takenOver = true;
					enterAndWrite(witness, key, acquired.join(), figures);
				}
				Thread.sleep(5);
			}
			holder.resume();
			LockResult result = acquired.join();
			assertThat(result.acquired()).as("contender after the holder: %s", result).isTrue();
			long start = System.nanoTime();
			if (!takenOver) {
				enterAndWrite(witness, key, result, figures);
			}
			String[] fenced = holder.awaitLine((line) -> line.startsWith("FENCED"), STARTUP).split(" ");
			holder.awaitLine("UNLOCKED"::equals, STARTUP);
			witness.increment(key, 0);
			witness.exit(key);
			witness.log(key, result.fencingToken(), start, System.nanoTime());
			boolean holderAccepted = Boolean.parseBoolean(fenced[1]);
			boolean holderHeld = Boolean.parseBoolean(fenced[2]);
			figures.takeOvers.add(result.waited());
			figures.lostIncrements += 2 - witness.count(key, "counter");
			figures.lost += holderHeld ? 0 : 1;
			figures.reported += (!holderHeld && Boolean.parseBoolean(fenced[3])) ? 1 : 0;
			if (takenOver) {
				figures.takenOver++;
				figures.staleAccepted += holderAccepted ? 1 : 0;
				figures.intact += contender.isHeld() ? 1 : 0;
				assertThat(result.fencingToken()).isGreaterThan(staleToken);
			}
			assertThat(holder.waitFor(STARTUP)).isZero();
			contender.unlock();
		}
	}

	private static void enterAndWrite(Witness witness, String key, LockResult result, PauseFigures figures) {
		assertThat(result.acquired()).as("contender: %s", result).isTrue();
		figures.overlaps += witness.enter(key) ? 1 : 0;
		assertThat(witness.fencedWrite(key, result.fencingToken())).isTrue();
	}

	private static final class PauseFigures {

		private final Latencies takeOvers = new Latencies();

		private long overlaps;

		private long lostIncrements;

		private long staleAccepted;

		private long lost;

		private long takenOver;

		private long reported;

		private long intact;

	}

	@Test
	void cpuStarvedHolderKeepsItsLeaseOrIsToldItLostIt() throws Exception {
		int trials = ReliabilityReport.size("starvation-trials", 1, 5);
		int spinners = Runtime.getRuntime().availableProcessors() * 4;
		long work = 3000;
		long lost = 0;
		long reported = 0;
		long overlaps;
		long staleAccepted = 0;
		for (int trial = 0; trial < trials; trial++) {
			String key = "starved-" + trial;
			JavaProcess holder = worker("section", key, TTL.toMillis(), work);
			holder.awaitLine((line) -> line.startsWith("HELD"), STARTUP);
			JavaProcess burner = JavaProcess.start(CpuBurner.class, WORKER_JVM, Integer.toString(spinners),
					Long.toString(work));
			this.workers.add(burner);
			// Contender sections that began while the holder was inside its own.
			long intrusions = 0;
			try (TestRedis.Manager manager = TestRedis.Manager.start(redis.locks().host(), redis.locks().port());
					Witness witness = witness()) {
				long until = System.nanoTime() + Duration.ofMillis(work).toNanos();
				while (System.nanoTime() - until < 0) {
					LockHandle handle = manager.locks().lock(LockRequest.of(key, Duration.ofSeconds(10)));
					LockResult result = handle.await();
					if (result.acquired()) {
						intrusions += witness.enter(key) ? 1 : 0;
						witness.fencedWrite(key, result.fencingToken());
						witness.exit(key);
						handle.unlock();
					}
					Thread.sleep(100);
				}
				String[] fenced = holder.awaitLine((line) -> line.startsWith("FENCED"), STARTUP).split(" ");
				boolean held = Boolean.parseBoolean(fenced[2]);
				lost += held ? 0 : 1;
				reported += (!held && Boolean.parseBoolean(fenced[3])) ? 1 : 0;
				staleAccepted += (intrusions > 0 && Boolean.parseBoolean(fenced[1])) ? 1 : 0;
				assertThat(intrusions == 0 || !held).as("a contender took a lock its holder still held").isTrue();
				assertThat(holder.waitFor(STARTUP)).isZero();
			}
			burner.waitFor(STARTUP);
		}
		try (Witness witness = witness()) {
			overlaps = witness.count("overlaps");
		}
		ReliabilityReport.add(new ReliabilityReport.Row(41, "4a",
				"Holder with renewal (ttl 1s) starved by " + spinners + " spinning threads for 3s", trials,
				Long.toString(overlaps), "-", Long.toString(staleAccepted), "-",
				(lost == 0) ? "- (lease kept)" : (reported == lost) ? "yes" : "NO", "leases lost: " + lost));
		assertThat(staleAccepted).isZero();
		assertThat(reported).isEqualTo(lost);
		Residue.check(redis.locks(), TTL);
	}

	@Test
	void herdOfWaitersBacksOffWhileTheCrashedHolderLeaseRunsOut() throws Exception {
		int processes = 4;
		int waiters = ReliabilityReport.size("herd-waiters-per-jvm", 50, 50);
		Duration ttl = Duration.ofSeconds(2);
		JavaProcess holder = worker("hold", "herd", ttl.toMillis());
		holder.awaitLine((line) -> line.startsWith("HELD"), STARTUP);
		List<JavaProcess> herd = new ArrayList<>();
		for (int i = 0; i < processes; i++) {
			herd.add(worker("herd", "herd", ttl.toMillis(), waiters));
		}
		try (Jedis jedis = redis.locks().jedis()) {
			awaitWaitingProcesses(jedis, processes);
			Map<String, Long> before = stats(jedis);
			holder.kill();
			long killedAt = System.nanoTime();
			// The lease was renewed at most ttl/3 before the kill, so it runs at least this long.
			Thread.sleep(ttl.toMillis() / 2);
			Map<String, Long> during = stats(jedis);
			double seconds = (System.nanoTime() - killedAt) / 1e9;
			// Minus the INFO call that read the figures.
			double opsPerSecond = (during.get("commands") - before.get("commands") - 1) / seconds;
			long acquired = 0;
			for (JavaProcess process : herd) {
				assertThat(process.waitFor(Duration.ofMinutes(2))).as(process.output()).isZero();
				acquired += Long.parseLong(process.awaitLine((line) -> line.startsWith("DONE"), STARTUP).substring(5));
			}
			Map<String, Long> after = stats(jedis);
			double scriptsPerAcquisition = (double) (after.get("scripts") - before.get("scripts")) / acquired;
			ReliabilityReport.add(new ReliabilityReport.Row(80, "8",
					"Thundering herd: " + processes + " JVMs x " + waiters + " waiters, holder killed, ttl 2s", acquired,
					"-", "-", "-", "-", "-", String.format("Redis ops/s during the ttl wait: %.0f; lock script calls "
							+ "(acquire, release, renew) per acquisition: %.2f", opsPerSecond, scriptsPerAcquisition)));
			assertThat(acquired).isEqualTo((long) processes * waiters);
			// Four contenders (one per JVM) backing off from 20ms; a tight retry loop of 200 waiters
			// would send thousands.
			assertThat(opsPerSecond).isLessThan(200);
		}
		Residue.check(redis.locks(), ttl);
	}

	private static void awaitWaitingProcesses(Jedis jedis, int processes) throws InterruptedException {
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (jedis.hkeys("lock:herd").stream().filter((field) -> field.startsWith("w:")).count() < processes) {
			assertThat(System.nanoTime() - deadline).as("waiting processes").isNegative();
			Thread.sleep(20);
		}
	}

	private static Map<String, Long> stats(Jedis jedis) {
		String info = jedis.info("all");
		return Map.of("commands", field(info, "total_commands_processed:"), "scripts",
				field(info, "cmdstat_evalsha:calls=") + field(info, "cmdstat_eval:calls="));
	}

	private static long field(String info, String prefix) {
		int start = info.indexOf(prefix);
		if (start < 0) {
			return 0;
		}
		start += prefix.length();
		int end = start;
		while (end < info.length() && Character.isDigit(info.charAt(end))) {
			end++;
		}
		return Long.parseLong(info.substring(start, end));
	}

	@Test
	void killedLeaderIsSucceededWithinTtlPlusOneSecond() throws Exception {
		int trials = ReliabilityReport.size("leader-trials", 2, 50);
		Duration ttl = Duration.ofSeconds(2);
		Latencies failovers;
		try (Witness witness = new Witness(redis.witness().host(), redis.witness().port(), "failover:");
				Succession succession = new Succession(() -> leader(ttl), witness, "leaders")) {
			failovers = succession.run(trials, 3, STARTUP);
		}
		ReliabilityReport.add(new ReliabilityReport.Row(110, "L",
				"Leader election (issue 12): leader kill -9, ttl 2s, 3 JVMs", trials, "-", "-", "-", failovers.summary(),
				"-", "bound: ttl + 1s = 3000 ms; later than ttl + 100 ms: " + failovers.countAbove(ttl.plusMillis(100))));
		assertThat(failovers.max()).isLessThanOrEqualTo(ttl.plusSeconds(1));
		Residue.check(redis.locks(), ttl);
	}

	private JavaProcess leader(Duration ttl) {
		JavaProcess worker = JavaProcess.start(LeaderWorker.class, WORKER_JVM,
				LockTarget.redis(redis.locks().host(), redis.locks().port()).spec(), redis.witness().host(),
				Integer.toString(redis.witness().port()), "failover", Long.toString(ttl.toMillis()), "0", "600000");
		this.workers.add(worker);
		return worker;
	}

}
