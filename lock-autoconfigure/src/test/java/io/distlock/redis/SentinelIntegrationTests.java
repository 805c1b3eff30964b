package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisSentinelTopology;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisLockManager} behind Sentinel, configured only by
 * {@code spring.data.redis.sentinel.*}, through a failover.
 */
class SentinelIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(3);

	private static final Duration WAIT = Duration.ofSeconds(4);

	// The connection timeout (1s) plus scheduling slack.
	private static final Duration BOUND_SLACK = Duration.ofSeconds(2);

	private static RedisSentinelTopology topology;

	@BeforeAll
	static void startTopology() {
		topology = RedisSentinelTopology.start(1, 3);
	}

	@AfterAll
	static void stopTopology() {
		topology.close();
	}

	@Test
	void followsTheNewPrimaryAfterThePrimaryIsKilled() {
		ApplicationContextRunner runner = TopologyContexts.sentinel(RedisSentinelTopology.MASTER_NAME,
				topology.sentinelAddresses(), "distlock.retry.initial-interval=5s", "distlock.retry.max-interval=5s");
		RedisServer[] promoted = new RedisServer[1];
		runner.run((first) -> runner.run((second) -> {
			LockManager holders = first.getBean(LockManager.class);
			LockManager waiters = second.getBean(LockManager.class);
			List<LockHandle> held = new ArrayList<>();
			List<LockHandle> waiting = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				LockHandle handle = holders.lock("held:" + i, TTL);
				assertThat(handle.await().acquired()).isTrue();
				held.add(handle);
				waiting.add(waiters.lock("held:" + i, TTL, WAIT));
			}
			RedisServer old = topology.primary();
			long killed = System.nanoTime();
			old.kill();
			LockHandle during = waiters.lock("during", TTL, Duration.ofSeconds(1));
			LockResult duringResult = during.await();
			assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(1).plus(BOUND_SLACK));
			assertEndedWithCause(duringResult);
			for (LockHandle waiter : waiting) {
				assertEndedWithCause(waiter.await());
			}
			assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(WAIT.plus(BOUND_SLACK));
			promoted[0] = topology.awaitPromotion(old, Duration.ofSeconds(30));
			LockHandle after = awaitAcquired(holders, "after");
			long token = after.fencingToken();
			LockHandle woken = waiters.lock("after", TTL, Duration.ofSeconds(20));
			ClusterIntegrationTests.awaitUntil(() -> promoted[0].command("HKEYS", "lock:after").toString().contains("w:"),
					"a waiter's mark on the new primary");
			long released = System.nanoTime();
			after.unlock();
			LockResult wokenResult = woken.await();
			assertThat(wokenResult.status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(Duration.ofNanos(System.nanoTime() - released)).as("woken by the re-subscribed channel")
				.isLessThan(Duration.ofSeconds(1));
			assertThat(wokenResult.fencingToken()).isGreaterThan(token);
			woken.unlock();
			held.forEach(LockHandle::unlock);
		}));
		ClusterIntegrationTests.awaitUntil(() -> promoted[0].lockKeyCount() == 0, "no lock left once leases run out");
	}

	private static void assertEndedWithCause(LockResult result) {
		assertThat(result.status()).isIn(LockStatus.FAILED, LockStatus.TIMED_OUT, LockStatus.ACQUIRED);
		if (result.status() == LockStatus.FAILED) {
			assertThat(result.failure()).isNotNull();
		}
	}

	private static LockHandle awaitAcquired(LockManager locks, String key) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (true) {
			LockHandle handle = locks.lock(key, TTL, Duration.ofSeconds(1));
			LockResult result = handle.await();
			if (result.acquired()) {
				return handle;
			}
			assertThat(System.nanoTime()).as("locking works again after the failover: " + result).isLessThan(deadline);
		}
	}

}
