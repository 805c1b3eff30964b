package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.JavaProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisLockManager} across separate JVM processes, with the critical sections
 * recorded by an independent {@link Witness} on a Redis server of its own.
 */
class CrossProcessIntegrationTests {

	private static final Duration STARTUP = Duration.ofSeconds(30);

	@RegisterExtension
	static final WitnessedRedis redis = new WitnessedRedis();

	private static String[] workerArgs(String mode, String key, String... more) {
		List<String> args = new ArrayList<>(List.of(mode, redis.locks().host(), Integer.toString(redis.locks().port()),
				Integer.toString(redis.witness().port()), key));
		args.addAll(List.of(more));
		return args.toArray(new String[0]);
	}

	private static JavaProcess worker(String mode, String key, String... more) {
		return JavaProcess.start(LockWorker.class, List.of("-Xmx128m", "-XX:+UseSerialGC"), workerArgs(mode, key, more));
	}

	@Test
	void threeProcessesOfEightThreadsNeverOverlapNorLoseAnIncrement() throws Exception {
		int processes = 3;
		int threads = 8;
		int iterations = 150;
		List<JavaProcess> workers = new ArrayList<>();
		for (int i = 0; i < processes; i++) {
			workers.add(worker("contend", "account", Integer.toString(threads), Integer.toString(iterations)));
		}
		for (JavaProcess process : workers) {
			assertThat(process.waitFor(Duration.ofMinutes(3))).as(process.output()).isZero();
			assertThat(process.output()).contains("DONE");
		}
		try (Witness witness = new Witness(redis.witness().host(), redis.witness().port())) {
			assertThat(witness.count("overlaps")).isZero();
			assertThat(witness.count("counter")).isEqualTo((long) processes * threads * iterations);
		}
		assertThat(redis.locks().dbSize()).isZero();
	}

	@Test
	void killedHolderFreesTheLockWithinItsTtl() throws Exception {
		Duration ttl = Duration.ofSeconds(2);
		JavaProcess holder = worker("hold", "crash", Long.toString(ttl.toMillis()));
		holder.awaitLine((line) -> line.startsWith("HELD"), STARTUP);
		try (TestRedis.Manager manager = TestRedis.Manager.start(redis.locks().host(), redis.locks().port())) {
			holder.kill();
			long killedAt = System.nanoTime();
			LockResult result = manager.locks().lock("crash", Duration.ofSeconds(10), Duration.ofSeconds(10)).await();
			Duration freedAfter = Duration.ofNanos(System.nanoTime() - killedAt);
			assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(freedAfter).isLessThanOrEqualTo(ttl.plusSeconds(1));
		}
	}

	@Test
	void pausedHolderLearnsItLostTheLeaseAndItsFencedWriteIsRefused() throws Exception {
		Duration ttl = Duration.ofSeconds(1);
		JavaProcess holder = worker("hold", "paused", Long.toString(ttl.toMillis()));
		String held = holder.awaitLine((line) -> line.startsWith("HELD"), STARTUP);
		long staleToken = Long.parseLong(held.substring("HELD ".length()));
		holder.pause();
		try (TestRedis.Manager manager = TestRedis.Manager.start(redis.locks().host(), redis.locks().port());
				Witness witness = new Witness(redis.witness().host(), redis.witness().port())) {
			LockHandle current = manager.locks().acquire(LockRequest.of("paused", Duration.ofSeconds(10))
				.withWaitTime(Duration.ofSeconds(10)));
			assertThat(current.fencingToken()).isGreaterThan(staleToken);
			assertThat(witness.fencedWrite(current.fencingToken())).isTrue();
			holder.resume();
			holder.awaitLine("LOST"::equals, STARTUP);
			assertThat(holder.awaitLine((line) -> line.startsWith("FENCED"), STARTUP)).isEqualTo("FENCED false");
			assertThat(holder.waitFor(STARTUP)).isZero();
			assertThat(current.isHeld()).isTrue();
			current.unlock();
		}
	}

}
