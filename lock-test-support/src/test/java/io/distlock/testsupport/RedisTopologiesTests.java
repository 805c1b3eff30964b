package io.distlock.testsupport;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RedisClusterTopology} and {@link RedisSentinelTopology}.
 */
class RedisTopologiesTests {

	@Test
	void clusterServesEverySlotAndMovesOneWithItsKeys() {
		try (RedisClusterTopology cluster = RedisClusterTopology.start(3, 0)) {
			assertThat(cluster.primaries()).hasSize(3);
			for (RedisServer node : cluster.nodes()) {
				assertThat((String) node.command("CLUSTER", "INFO")).contains("cluster_slots_assigned:16384",
						"cluster_known_nodes:3");
			}
			int slot = RedisClusterTopology.slot("moving");
			RedisServer source = cluster.primaryOf(slot);
			source.command("SET", "moving", "value");
			RedisServer target = cluster.primaries().stream().filter((node) -> node != source).findFirst().orElseThrow();
			cluster.migrate(slot, target);
			assertThat(cluster.primaryOf(slot)).isSameAs(target);
			assertThat(target.command("GET", "moving")).isEqualTo("value");
			assertThat(source.dbSize()).isZero();
		}
	}

	@Test
	void clusterReplicasFollowTheirPrimaries() {
		try (RedisClusterTopology cluster = RedisClusterTopology.start(3, 1)) {
			assertThat(cluster.replicas()).hasSize(3);
			assertThat((String) cluster.replicas().get(0).command("INFO", "replication"))
				.contains("role:slave", "master_port:" + cluster.primaries().get(0).port());
		}
	}

	@Test
	void clusterBusListensOnAPortOfItsOwnOnRedis7AndOnPortPlus10000Before() {
		for (RedisBinary binary : new RedisBinary[] { RedisBinary.embedded(), RedisBinary.detect() }) {
			try (RedisServer node = RedisServer.start(RedisOptions.cluster().binary(binary))) {
				String myself = ((String) node.command("CLUSTER", "NODES")).lines()
					.filter((line) -> line.contains("myself"))
					.findFirst()
					.orElseThrow();
				int bus = Integer.parseInt(myself.split(" ")[1].replaceAll(".*@(\\d+).*", "$1"));
				if (Integer.parseInt(binary.version().split("\\.")[0]) >= 7) {
					List<?> configured = (List<?>) node.command("CONFIG", "GET", "cluster-port");
					assertThat(bus).as(binary.toString()).isEqualTo(Integer.parseInt((String) configured.get(1)));
				}
				else {
					assertThat(bus).as(binary.toString()).isEqualTo(node.port() + 10000);
				}
			}
		}
	}

	@Test
	void clusterNeedsClusterOptionsAndOnePrimary() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisClusterTopology.start(RedisOptions.defaults(), 3, 0))
			.withMessageContaining("cluster options");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisClusterTopology.start(0, 0))
			.withMessageContaining("at least 1 primary");
	}

	@Test
	void sentinelsPromoteTheReplicaWhenThePrimaryDies() {
		try (RedisSentinelTopology topology = RedisSentinelTopology.start(1, 3)) {
			RedisServer primary = topology.primary();
			RedisServer replica = topology.replicas().get(0);
			primary.kill();
			assertThat(topology.awaitPromotion(primary, Duration.ofSeconds(20))).isSameAs(replica);
		}
	}

}
