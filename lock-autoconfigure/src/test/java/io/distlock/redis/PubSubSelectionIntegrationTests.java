package io.distlock.redis;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import io.distlock.testsupport.RedisBinary;
import io.distlock.testsupport.RedisClusterTopology;
import io.distlock.testsupport.RedisOptions;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PubSubSelection} on the embedded Redis 6.2 binary and the one the fixture
 * resolves (Debian's 7.0 where installed).
 */
class PubSubSelectionIntegrationTests {

	@Test
	void usesClassicPubSubOnARedis6Cluster() {
		RedisBinary embedded = RedisBinary.embedded();
		assertThat(embedded.version()).startsWith("6.");
		assertThat(selectOn(RedisOptions.cluster().binary(embedded))).isFalse();
	}

	@Test
	void usesShardedPubSubOnACluster7OrLater() {
		RedisBinary detected = RedisBinary.detect();
		boolean redis7 = Integer.parseInt(detected.version().split("\\.")[0]) >= 7;
		assertThat(selectOn(RedisOptions.cluster().binary(detected))).isEqualTo(redis7);
	}

	@Test
	void usesClassicPubSubOnAStandaloneServer() {
		try (RedisServer server = RedisServer.start()) {
			JedisConnectionFactory connections = TestRedis.connectionFactory(server.host(), server.port());
			PubSubSelection selection = PubSubSelection.select(connections, "control");
			try {
				assertThat(selection.sharded()).isFalse();
				assertThat(new String(selection.publishCommand())).isEqualTo("PUBLISH");
			}
			finally {
				selection.notifications().close();
				connections.destroy();
			}
		}
	}

	private static boolean selectOn(RedisOptions options) {
		try (RedisClusterTopology cluster = RedisClusterTopology.start(options, 1, 0)) {
			JedisConnectionFactory connections = clusterConnections(cluster.addresses());
			PubSubSelection selection = PubSubSelection.select(connections, "control");
			try {
				assertThat(new String(selection.publishCommand())).isEqualTo(selection.sharded() ? "SPUBLISH" : "PUBLISH");
				return selection.sharded();
			}
			finally {
				selection.notifications().close();
				connections.destroy();
			}
		}
	}

	static JedisConnectionFactory clusterConnections(List<String> nodes) {
		JedisClientConfiguration client = JedisClientConfiguration.builder()
			.connectTimeout(TestRedis.TIMEOUT)
			.readTimeout(TestRedis.TIMEOUT)
			.usePooling()
			.build();
		JedisConnectionFactory factory = new JedisConnectionFactory(new RedisClusterConfiguration(nodes), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
