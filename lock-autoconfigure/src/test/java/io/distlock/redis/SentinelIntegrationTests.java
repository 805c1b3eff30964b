package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.core.HeldLock;
import io.distlock.core.LockHandle;
import io.distlock.core.LockIntrospector;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisSentinelTopology;
import io.distlock.testsupport.RedisServer;

import static io.distlock.core.HeldLockAssertions.allLocks;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisLockManager} behind Sentinel, configured only by
 * {@code spring.data.redis.sentinel.*}: through a failover, and for operators.
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

	@Test
	void eitherApplicationListsAndReleasesByForceTheLocksOfTheOtherThroughSentinel() throws Exception {
		ApplicationContextRunner orders = TopologyContexts.sentinel(RedisSentinelTopology.MASTER_NAME,
				topology.sentinelAddresses(), "spring.application.name=orders");
		ApplicationContextRunner billing = TopologyContexts.sentinel(RedisSentinelTopology.MASTER_NAME,
				topology.sentinelAddresses(), "spring.application.name=billing");
		orders.run((first) -> billing.run((second) -> {
			List<LockHandle> held = new ArrayList<>();
			for (int i = 0; i < 30; i++) {
				held.add(first.getBean(LockManager.class)
					.acquire(LockRequest.of("listed:" + i, TTL).withName("listed")));
			}
			List<HeldLock> seen = allLocks((cursor) -> second.getBean(LockIntrospector.class).backendLocks(cursor, 7));
			assertThat(seen).extracting(HeldLock::key).hasSize(30).doesNotHaveDuplicates();
			assertThat(seen).allSatisfy((lock) -> assertThat(lock.holder()).startsWith("orders@"));
			LockHandle evicted = held.remove(0);
			assertThat(second.getBean(LockIntrospector.class).forceRelease("listed:0")).isNotNull();
			LockHandle next = second.getBean(LockManager.class).acquire(LockRequest.of("listed:0", TTL));
			assertThat(next.fencingToken()).isGreaterThan(evicted.fencingToken());
			assertThat(evicted.leaseLost().get(TTL.toMillis() + 2_000, TimeUnit.MILLISECONDS).getMessage())
				.contains("an operator released the lock by force");
			evicted.unlock();
			assertThat(next.isHeld()).isTrue();
			next.unlock();
			held.forEach(LockHandle::unlock);
			assertThat(second.getBean(LockIntrospector.class).backendLocks(null, 100).locks()).isEmpty();
		}));
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
