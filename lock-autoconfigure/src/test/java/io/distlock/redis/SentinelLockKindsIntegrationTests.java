package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisSentinelTopology;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for shared locks and permits through {@link RedisLockManager} behind Sentinel,
 * configured only by {@code spring.data.redis.sentinel.*}: through a failover of the primary
 * while shares and permits are held and requested. Replication is asynchronous, so a failover may
 * lose a share or permit; these tests assert only what holds regardless: every call ends within
 * its bound, a lease the new primary lacks is reported lost, and every kind works again.
 */
class SentinelLockKindsIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(3);

	// Shorter than a failover takes, so that these leases run out while there is no primary.
	private static final Duration SHORT_TTL = Duration.ofSeconds(1);

	private static final Duration WAIT = Duration.ofSeconds(4);

	private static final Duration DURING_WAIT = Duration.ofSeconds(1);

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
	void sharesAndPermitsHeldAndRequestedThroughAFailoverEndInTheirBoundsAndEveryKindWorksAfter() {
		ApplicationContextRunner holdersRunner = TopologyContexts.sentinel(RedisSentinelTopology.MASTER_NAME,
				topology.sentinelAddresses());
		ApplicationContextRunner waitersRunner = TopologyContexts.sentinel(RedisSentinelTopology.MASTER_NAME,
				topology.sentinelAddresses(), LockKindsScenarios.SLOW_FALLBACK);
		RedisServer[] promoted = new RedisServer[1];
		holdersRunner.run((first) -> waitersRunner.run((second) -> {
			LockManager holders = first.getBean(LockManager.class);
			LockManager waiters = second.getBean(LockManager.class);
			LockKindsScenarios scenarios = new LockKindsScenarios(holders, waiters, (redisKey) -> topology.primary(),
					() -> List.of(topology.primary()));
			scenarios.everyKindOn("kinds");
			List<LockHandle> held = new ArrayList<>(List.of(holders.acquire(share("held:shared", TTL)),
					waiters.acquire(share("held:shared", TTL)), holders.acquire(permit("held:permits", TTL)),
					waiters.acquire(permit("held:permits", TTL)), holders.acquire(LockRequest.of("held:mutex", TTL)),
					waiters.acquire(share("held:shared:short", SHORT_TTL)),
					holders.acquire(permit("held:permits:short", SHORT_TTL))));
			List<LockHandle> requested = List.of(waiters.lock(LockRequest.of("held:shared", TTL).withWaitTime(WAIT)),
					waiters.lock(permit("held:permits", TTL).withWaitTime(WAIT)),
					waiters.lock(share("held:mutex", TTL).withWaitTime(WAIT)));
			LockKindsScenarios.awaitField(topology.primary(), "held:shared", "w:");
			LockKindsScenarios.awaitField(topology.primary(), "held:permits", "v");
			LockKindsScenarios.awaitField(topology.primary(), "held:mutex", "v");
			RedisServer old = topology.primary();
			long killed = System.nanoTime();
			old.kill();
			assertUnlocksWithinBound(held.remove(0));
			long during = System.nanoTime();
			assertEndsWithin(waiters.lock(share("during:shared", TTL).withWaitTime(DURING_WAIT)), during,
					DURING_WAIT.plus(BOUND_SLACK));
			assertEndsWithin(holders.lock(permit("during:permits", TTL).withWaitTime(DURING_WAIT)), during,
					DURING_WAIT.plus(BOUND_SLACK));
			for (LockHandle request : requested) {
				assertEndsWithin(request, killed, WAIT.plus(BOUND_SLACK));
			}
			promoted[0] = topology.awaitPromotion(old, Duration.ofSeconds(30));
			ClusterIntegrationTests.awaitUntil(() -> held.stream().allMatch((handle) -> settled(handle, promoted[0])),
					"every held lease kept on the new primary or reported lost");
			held.forEach(LockHandle::unlock);
			requested.forEach(LockHandle::unlock);
			awaitWorking(holders);
			awaitWorking(waiters);
			scenarios.everyKindOn("kinds");
		}));
		ClusterIntegrationTests.awaitUntil(() -> promoted[0].lockKeyCount() == 0, "no lock left once leases run out");
	}

	private static LockRequest share(String key, Duration ttl) {
		return LockRequest.of(key, ttl).withMode(LockMode.SHARED);
	}

	private static LockRequest permit(String key, Duration ttl) {
		return LockRequest.of(key, ttl).withPermits(2);
	}

	private static void assertUnlocksWithinBound(LockHandle handle) {
		long start = System.nanoTime();
		try {
			handle.unlock();
		}
		catch (LockException ex) {
			assertThat(ex.getCause()).as("why releasing '%s' failed", handle.key()).isNotNull();
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("releasing '%s' without a primary", handle.key())
			.isLessThan(BOUND_SLACK);
	}

	private static void assertEndsWithin(LockHandle handle, long sinceNanos, Duration bound) {
		LockResult result = handle.await();
		assertThat(Duration.ofNanos(System.nanoTime() - sinceNanos)).as("%s of '%s' ended", handle.mode(), handle.key())
			.isLessThan(bound);
		assertThat(result.status()).isIn(LockStatus.FAILED, LockStatus.TIMED_OUT, LockStatus.ACQUIRED);
		if (result.status() == LockStatus.FAILED) {
			assertThat(result.failure()).as("why %s of '%s' failed", handle.mode(), handle.key()).isNotNull();
		}
	}

	/**
	 * Whether the handle agrees with the primary: held while its lease is there, else reported
	 * lost and its lease gone.
	 */
	private static boolean settled(LockHandle handle, RedisServer primary) {
		boolean there = leaseOn(primary, handle);
		return handle.isHeld() ? there : handle.leaseLost().isDone() && !there;
	}

	/**
	 * Whether the primary holds the handle's lease, read from the lock's hash (see acquire.lua and
	 * acquire_shared.lua): as the mutex's owner with its token, or as a share's or permit's field
	 * '<until>:<token>' not yet run out.
	 */
	private static boolean leaseOn(RedisServer primary, LockHandle handle) {
		List<?> fields = (List<?>) primary.command("HGETALL", LockKindsScenarios.redisKey(handle.key()));
		String token = Long.toString(handle.fencingToken());
		List<?> time = (List<?>) primary.command("TIME");
		long nowMillis = Long.parseLong((String) time.get(0)) * 1000 + Long.parseLong((String) time.get(1)) / 1000;
		boolean owned = false;
		String mutexToken = null;
		for (int i = 0; i < fields.size(); i += 2) {
			String field = (String) fields.get(i);
			String value = (String) fields.get(i + 1);
			if (field.equals("o")) {
				owned = true;
			}
			else if (field.equals("f")) {
				mutexToken = value;
			}
			else if ((field.startsWith("s:") || field.startsWith("p:")) && value.endsWith(":" + token)
					&& Long.parseLong(value.substring(0, value.indexOf(':'))) > nowMillis) {
				return true;
			}
		}
		return handle.mode() == LockMode.EXCLUSIVE && handle.permits() == 1 && owned && token.equals(mutexToken);
	}

	/**
	 * Waits until the manager takes a lock again after the failover.
	 */
	private static void awaitWorking(LockManager locks) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (true) {
			try (LockHandle handle = locks.lock("after", TTL, Duration.ofSeconds(1))) {
				LockResult result = handle.await();
				if (result.acquired()) {
					return;
				}
				assertThat(System.nanoTime()).as("locking works again after the failover: " + result)
					.isLessThan(deadline);
			}
		}
	}

}
