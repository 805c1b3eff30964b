package io.distlock.crossprocess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.distlock.core.LibraryThreads;
import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.redis.Witness;
import io.distlock.redis.WitnessedRedis;
import io.distlock.testsupport.JavaProcess;
import io.distlock.zookeeper.ZooKeeperServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the lock managers of every {@link Backend} across separate JVM processes, with the
 * critical sections recorded by an independent {@link Witness} on a Redis server of its own.
 */
class CrossProcessIntegrationTests {

	private static final Duration STARTUP = Duration.ofSeconds(30);

	@RegisterExtension
	static final WitnessedRedis redis = new WitnessedRedis();

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	@RegisterExtension
	final LockWorkers workers = new LockWorkers(redis, zookeeper);

	private static LockTarget.Opened manager(Backend backend) {
		return backend.target(redis, zookeeper).open();
	}

	@ParameterizedTest
	@EnumSource
	void threeProcessesOfEightThreadsNeverOverlapNorLoseAnIncrement(Backend backend) throws Exception {
		int processes = 3;
		int threads = 8;
		int iterations = 150;
		List<JavaProcess> started = new ArrayList<>();
		for (int i = 0; i < processes; i++) {
			started.add(this.workers.start(backend, "contend", "account", threads, iterations));
		}
		for (JavaProcess process : started) {
			assertThat(process.waitFor(Duration.ofMinutes(3))).as(process.output()).isZero();
			assertThat(process.output()).contains("DONE");
			assertThat(peakLibraryThreads(process.output())).as("library threads of a worker at most")
				.isBetween(1, LibraryThreads.perManager(1));
		}
		try (Witness witness = new Witness(redis.witness().host(), redis.witness().port())) {
			assertThat(witness.count("overlaps")).isZero();
			assertThat(witness.count("counter")).isEqualTo((long) processes * threads * iterations);
		}
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@ParameterizedTest
	@EnumSource
	void threeProcessesOfFourThreadsTransferInEitherOrderWithoutOverlapDeadlockOrLostUpdate(Backend backend)
			throws Exception {
		int processes = 3;
		int threads = 4;
		int iterations = 60;
		List<JavaProcess> started = new ArrayList<>();
		for (int i = 0; i < processes; i++) {
			started.add(this.workers.start(backend, "transfer", "account:", threads, iterations));
		}
		for (JavaProcess process : started) {
			assertThat(process.waitFor(Duration.ofMinutes(3))).as(process.output()).isZero();
			assertThat(process.output()).as("transfers not acquired within their bound").contains("NOT_ACQUIRED 0");
		}
		try (Witness witness = new Witness(redis.witness().host(), redis.witness().port())) {
			assertThat(witness.count("overlaps")).isZero();
			long increments = 0;
			for (int account = 0; account < LockWorker.ACCOUNTS; account++) {
				increments += witness.count("account:" + account, "counter");
			}
			assertThat(increments).as("both accounts' counters, every transfer")
				.isEqualTo(2L * processes * threads * iterations);
		}
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@ParameterizedTest
	@EnumSource
	void killedHolderOfFiveKeysFreesThemAllWithinItsTtlOrSession(Backend backend) throws Exception {
		Duration ttl = Duration.ofSeconds(2);
		JavaProcess holder = this.workers.start(backend, "holdAll", "five:", ttl.toMillis(), 5);
		assertThat(holder.awaitLine((line) -> line.startsWith("HELD") || line.startsWith("NOT_HELD"), STARTUP))
			.isEqualTo("HELD");
		try (LockTarget.Opened manager = manager(backend)) {
			holder.kill();
			long killedAt = System.nanoTime();
			LockHandle all = manager.locks()
				.lockAll(List.of("five:0", "five:1", "five:2", "five:3", "five:4"), Duration.ofSeconds(10),
						Duration.ofSeconds(10));
			LockResult result = all.await();
			Duration freedAfter = Duration.ofNanos(System.nanoTime() - killedAt);
			assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(freedAfter).isLessThanOrEqualTo(backend.freedAfter(ttl).plusSeconds(1));
			all.unlock();
		}
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@ParameterizedTest
	@EnumSource
	void killedHolderFreesTheLockWithinItsTtlOrSession(Backend backend) throws Exception {
		Duration ttl = Duration.ofSeconds(2);
		JavaProcess holder = this.workers.start(backend, "hold", "crash", ttl.toMillis());
		holder.awaitLine((line) -> line.startsWith("HELD"), STARTUP);
		try (LockTarget.Opened manager = manager(backend)) {
			holder.kill();
			long killedAt = System.nanoTime();
			LockResult result = manager.locks().lock("crash", Duration.ofSeconds(10), Duration.ofSeconds(10)).await();
			Duration freedAfter = Duration.ofNanos(System.nanoTime() - killedAt);
			System.out.println("Killed holder's lock freed on " + backend + " after " + freedAfter.toMillis() + "ms");
			assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(freedAfter).isLessThanOrEqualTo(backend.freedAfter(ttl).plusSeconds(1));
		}
	}

	@ParameterizedTest
	@EnumSource
	void pausedHolderLearnsItLostTheLockAndItsFencedWriteIsRefused(Backend backend) throws Exception {
		Duration ttl = Duration.ofSeconds(1);
		JavaProcess holder = this.workers.start(backend, "hold", "paused", ttl.toMillis());
		String held = holder.awaitLine((line) -> line.startsWith("HELD"), STARTUP);
		long staleToken = Long.parseLong(held.substring("HELD ".length()));
		// Past its lease on Redis; past its session, which the server then expires, on ZooKeeper.
		holder.pause();
		try (LockTarget.Opened manager = manager(backend);
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

	private static int peakLibraryThreads(String output) {
		Matcher peak = Pattern.compile("LIBRARY_THREADS (\\d+)").matcher(output);
		assertThat(peak.find()).as("a worker's report of its library threads in: %s", output).isTrue();
		return Integer.parseInt(peak.group(1));
	}

}
