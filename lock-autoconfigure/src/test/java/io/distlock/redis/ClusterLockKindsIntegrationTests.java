package io.distlock.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;

import io.distlock.core.LockManager;
import io.distlock.testsupport.RedisClusterTopology;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for shared locks and permits through {@link RedisLockManager} on a Redis Cluster of
 * three primaries, configured only by {@code spring.data.redis.cluster.nodes}: every kind on a
 * key of each primary, woken by sharded pub/sub, with {@link LockKindsScenarios}.
 */
class ClusterLockKindsIntegrationTests {

	private static RedisClusterTopology cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterTopology.start(3, 0);
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@BeforeEach
	void flush() {
		cluster.primaries().forEach(RedisServer::flushAll);
	}

	@Test
	void everyKindOnAKeyOfEachPrimaryOverlapsWaitsIsWokenAndLeavesOnlyTheFloorOfItsSlot() {
		TopologyContexts.cluster(cluster.addresses())
			.run((holders) -> TopologyContexts.cluster(cluster.addresses(), LockKindsScenarios.SLOW_FALLBACK)
				.run((waiters) -> {
					LockKindsScenarios scenarios = scenarios(holders, waiters);
					for (String key : keyOnEachPrimary("kinds:")) {
						scenarios.everyKindOn(key);
						assertThat(floorOfSlotOf(LockKindsScenarios.redisKey(key)))
							.as("the fencing floor of the slot of '%s'", key)
							.isGreaterThanOrEqualTo(scenarios.lastToken(key));
					}
					assertThat(lockKeys()).isZero();
				}));
	}

	@Test
	void kindsMixedOnKeysOfEachPrimaryFromTwoContextsNeverMeetWhereTheyExclude() {
		TopologyContexts.cluster(cluster.addresses())
			.run((first) -> TopologyContexts.cluster(cluster.addresses()).run((second) -> {
				scenarios(first, second).mixedLoad(keyOnEachPrimary("mixed:"), 3, 40);
				assertThat(lockKeys()).isZero();
			}));
	}

	private static LockKindsScenarios scenarios(ApplicationContext holders, ApplicationContext waiters) {
		return new LockKindsScenarios(holders.getBean(LockManager.class), waiters.getBean(LockManager.class),
				(redisKey) -> cluster.primaryOf(RedisClusterTopology.slot(redisKey)), cluster::primaries);
	}

	/**
	 * One lock key per primary, in the order of the primaries' slot ranges.
	 */
	private static List<String> keyOnEachPrimary(String prefix) {
		Map<RedisServer, String> keys = new LinkedHashMap<>();
		cluster.primaries().forEach((primary) -> keys.put(primary, null));
		for (int i = 0; keys.containsValue(null); i++) {
			String key = prefix + i;
			// A primary still mapped to null has no key yet: putIfAbsent fills it.
			keys.putIfAbsent(cluster.primaryOf(RedisClusterTopology.slot(LockKindsScenarios.redisKey(key))), key);
		}
		return new ArrayList<>(keys.values());
	}

	/**
	 * The value of the one fencing floor in the hash slot of {@code redisKey}.
	 */
	private static long floorOfSlotOf(String redisKey) {
		int slot = RedisClusterTopology.slot(redisKey);
		List<?> keys = (List<?>) cluster.primaryOf(slot)
			.command("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot), "100");
		List<?> floors = keys.stream().filter((key) -> ((String) key).contains(RedisServer.FENCING_FLOOR)).toList();
		assertThat(floors).as("fencing floors in slot %d", slot).hasSize(1);
		return Long.parseLong((String) cluster.primaryOf(slot).command("GET", (String) floors.get(0)));
	}

	private static long lockKeys() {
		return cluster.primaries().stream().mapToLong(RedisServer::lockKeyCount).sum();
	}

}
