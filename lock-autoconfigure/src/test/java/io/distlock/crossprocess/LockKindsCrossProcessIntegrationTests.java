package io.distlock.crossprocess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.distlock.core.LockMode;
import io.distlock.redis.Witness;
import io.distlock.redis.WitnessedRedis;
import io.distlock.testsupport.JavaProcess;
import io.distlock.zookeeper.ZooKeeperServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for shared locks and permits of every {@link Backend} across separate JVM processes,
 * each section recorded by an independent {@link Witness} on a Redis server of its own.
 */
class LockKindsCrossProcessIntegrationTests {

	private static final int PROCESSES = 3;

	private static final int THREADS = 4;

	@RegisterExtension
	static final WitnessedRedis redis = new WitnessedRedis();

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	@RegisterExtension
	final LockWorkers workers = new LockWorkers(redis, zookeeper);

	@ParameterizedTest
	@EnumSource
	void threeProcessesOfFourThreadsReadTogetherButNeverBesideAWriterNorWritersTogether(Backend backend)
			throws Exception {
		int iterations = 40;
		int writeEvery = 4;
		String output = runToEnd(backend, "catalog", iterations, LockKind.SHARED, writeEvery);
		long writes = (long) PROCESSES * ((iterations + writeEvery - 1) / writeEvery);
		try (Witness witness = witness()) {
			assertThat(witness.count("catalog", "beside-other")).as("sections beside the other mode").isZero();
			assertThat(witness.count("catalog", "beyond-permits")).as("writers beside a writer").isZero();
			assertThat(witness.mostInside("catalog", LockMode.SHARED)).as("most readers at once")
				.isGreaterThanOrEqualTo(2);
			assertThat(witness.mostInside("catalog", LockMode.EXCLUSIVE)).as("most writers at once").isOne();
			assertThat(witness.completed("catalog", LockMode.EXCLUSIVE)).as(output).isEqualTo(writes);
			assertThat(witness.count("catalog", "counter")).as("writers' lossy increments").isEqualTo(writes);
			assertThat(witness.completed("catalog", LockMode.SHARED)).as(output)
				.isEqualTo((long) PROCESSES * THREADS * iterations - writes);
		}
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@ParameterizedTest
	@EnumSource
	void threePermitsOverThreeProcessesOfFourThreadsAreAllTakenAndNeverExceeded(Backend backend) throws Exception {
		int iterations = 25;
		String output = runToEnd(backend, "partner-api", iterations, LockKind.permits(3), 0);
		try (Witness witness = witness()) {
			assertThat(witness.count("partner-api", "beyond-permits")).as("holders beyond the permits").isZero();
			assertThat(witness.count("partner-api", "beside-other")).isZero();
			assertThat(witness.mostInside("partner-api", LockMode.EXCLUSIVE)).as("most holders at once").isEqualTo(3);
			assertThat(witness.completed("partner-api", LockMode.EXCLUSIVE)).as(output)
				.isEqualTo((long) PROCESSES * THREADS * iterations);
		}
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@Test
	void witnessCountsAReaderBesideAWriterAndHoldersBeyondTheirPermits() {
		try (Witness witness = witness()) {
			assertThat(witness.enter("check", LockMode.SHARED, 1)).isFalse();
			assertThat(witness.enter("check", LockMode.EXCLUSIVE, 1)).as("a writer beside a reader").isTrue();
			witness.exit("check", LockMode.SHARED);
			assertThat(witness.enter("check", LockMode.EXCLUSIVE, 2)).as("the second of two permits").isFalse();
			assertThat(witness.enter("check", LockMode.EXCLUSIVE, 2)).as("a third of two permits").isTrue();
			assertThat(witness.enter("check", LockMode.SHARED, 1)).as("a reader beside writers").isTrue();
			assertThat(witness.count("check", "beside-other")).isEqualTo(2);
			assertThat(witness.count("check", "beyond-permits")).isOne();
			assertThat(witness.count("overlaps")).isEqualTo(3);
			assertThat(witness.mostInside("check", LockMode.EXCLUSIVE)).isEqualTo(3);
			assertThat(witness.completed("check", LockMode.SHARED)).isOne();
		}
	}

	/**
	 * Runs the {@code kinds} mode of {@link LockWorker} in {@value #PROCESSES} JVMs of
	 * {@value #THREADS} threads until they end.
	 * @return their output, for failure messages
	 */
	private String runToEnd(Backend backend, String key, int iterations, LockKind kind, int writeEvery) {
		List<JavaProcess> started = new ArrayList<>();
		for (int i = 0; i < PROCESSES; i++) {
			started.add(this.workers.start(backend, "kinds", key, THREADS, iterations, kind.spec(), writeEvery));
		}
		for (JavaProcess process : started) {
			assertThat(process.waitFor(Duration.ofMinutes(2))).as(process.output()).isZero();
			assertThat(process.output()).contains("DONE");
		}
		return started.stream().map(JavaProcess::output).collect(Collectors.joining(System.lineSeparator()));
	}

	private static Witness witness() {
		return new Witness(redis.witness().host(), redis.witness().port());
	}

}
