package io.distlock.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.distlock.crossprocess.Backend;
import io.distlock.redis.Witness;
import io.distlock.redis.WitnessedRedis;
import io.distlock.testsupport.JavaProcess;
import io.distlock.zookeeper.ZooKeeperServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LeaderElection} across JVM processes, with leader work recorded by an
 * independent {@link Witness}.
 */
class CrossProcessLeaderIntegrationTests {

	private static final Duration STARTUP = Duration.ofSeconds(30);

	@RegisterExtension
	static final WitnessedRedis redis = new WitnessedRedis();

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	private final List<JavaProcess> workers = new ArrayList<>();

	@AfterEach
	void killWorkers() {
		this.workers.forEach(JavaProcess::kill);
	}

	private JavaProcess worker(Backend backend, String name, long ttlMillis, long yieldEveryMillis, long runMillis) {
		JavaProcess worker = JavaProcess.start(LeaderWorker.class, List.of("-Xmx128m", "-XX:+UseSerialGC"),
				backend.target(redis, zookeeper).spec(), redis.witness().host(), Integer.toString(redis.witness().port()),
				name,
				Long.toString(ttlMillis), Long.toString(yieldEveryMillis), Long.toString(runMillis));
		this.workers.add(worker);
		return worker;
	}

	private static long token(String line) {
		Matcher matcher = Pattern.compile("\\S+ (\\d+).*").matcher(line);
		assertThat(matcher.matches()).as(line).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	@ParameterizedTest
	@EnumSource
	void threeProcessesNeverLeadAtTheSameTime(Backend backend) throws Exception {
		// A lease that CPU starvation of three starting JVMs on two cores cannot outrun: past its
		// lease a leader may overlap the next (the pause test covers that), within it never.
		for (int i = 0; i < 3; i++) {
			worker(backend, "terms", 10_000, 150, 5000);
		}
		int terms = 0;
		for (JavaProcess process : this.workers) {
			assertThat(process.waitFor(Duration.ofSeconds(60))).as(process.output()).isZero();
			terms += (int) process.output().lines().filter((line) -> line.startsWith("LEADER")).count();
		}
		// Grants, revocations and detected overlaps of every worker, on one monotonic clock.
		String events = this.workers.stream()
			.map((process) -> process.pid() + ":\n" + process.output()
				.lines()
				.filter((line) -> !line.startsWith("WORK"))
				.collect(Collectors.joining("\n")))
			.collect(Collectors.joining("\n"));
		try (Witness witness = new Witness(redis.witness().host(), redis.witness().port(), "terms:")) {
			assertThat(witness.count("overlaps")).as(events).isZero();
		}
		assertThat(terms).isGreaterThanOrEqualTo(3);
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@ParameterizedTest
	@EnumSource
	void killedLeaderIsReplacedWithinItsTtlOrSession(Backend backend) throws Exception {
		long ttl = 2000;
		JavaProcess first = worker(backend, "failover", ttl, 0, 60_000);
		long firstTerm = token(first.awaitLine((line) -> line.startsWith("LEADER"), STARTUP));
		JavaProcess second = worker(backend, "failover", ttl, 0, 60_000);
		// Let the follower start and queue for the lock before the leader dies.
		Thread.sleep(2000);
		first.kill();
		long killedAt = System.nanoTime();
		long secondTerm = token(second.awaitLine((line) -> line.startsWith("LEADER"), STARTUP));
		Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
		System.out.println("Leader failover on " + backend + ": " + failover.toMillis() + "ms");
		assertThat(failover).isLessThanOrEqualTo(backend.freedAfter(Duration.ofMillis(ttl)).plusSeconds(1));
		assertThat(secondTerm).isGreaterThan(firstTerm);
	}

	@ParameterizedTest
	@EnumSource
	void pausedLeaderIsRevokedOnResumeAndItsOldTermIsFencedOff(Backend backend) throws Exception {
		long ttl = 1000;
		JavaProcess first = worker(backend, "paused", ttl, 0, 60_000);
		long firstTerm = token(first.awaitLine((line) -> line.startsWith("LEADER"), STARTUP));
		first.awaitLine(("WORK " + firstTerm)::equals, STARTUP);
		JavaProcess second = worker(backend, "paused", ttl, 0, 60_000);
		first.pause();
		long workBeforePause = workDone(first, firstTerm);
		long secondTerm = token(second.awaitLine((line) -> line.startsWith("LEADER"), STARTUP));
		second.awaitLine(("WORK " + secondTerm)::equals, STARTUP);
		assertThat(secondTerm).isGreaterThan(firstTerm);
		first.resume();
		String revoked = first.awaitLine((line) -> line.startsWith("REVOKED"), STARTUP);
		assertThat(token(revoked)).isEqualTo(firstTerm);
		assertThat(first.awaitLine((line) -> line.startsWith("STALE"), STARTUP)).isEqualTo("STALE false");
		Thread.sleep(200);
		// At most the one body that had passed the leadership check when the pause hit; none after.
		assertThat(workDone(first, firstTerm)).isLessThanOrEqualTo(workBeforePause + 1);
	}

	private static long workDone(JavaProcess worker, long term) {
		return worker.output().lines().filter(("WORK " + term)::equals).count();
	}

}
