package io.distlock.benchmarks.adapter;

import java.time.Duration;
import java.util.stream.Collectors;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

/**
 * Connection pools sized alike for every library, large enough for the most threads any scenario
 * runs, so that no library queues for a connection. On a cluster the size is per node.
 */
final class Connections {

	static final int POOL_SIZE = 32;

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private Connections() {
	}

	// Jedis 7 deprecates JedisPool for RedisClient, but a plain pool is what the floor stands for.
	@SuppressWarnings("deprecation")
	static JedisPool jedisPool(Endpoint endpoint) {
		return new JedisPool(poolConfig(), endpoint.host(), endpoint.port(), Math.toIntExact(TIMEOUT.toMillis()));
	}

	// Deprecated in Jedis 7 like JedisPool, and the same plain client the floor stands for.
	@SuppressWarnings("deprecation")
	static JedisCluster jedisCluster(ClusterEndpoint cluster) {
		ConnectionPoolConfig config = new ConnectionPoolConfig();
		config.setMaxTotal(POOL_SIZE);
		config.setMaxIdle(POOL_SIZE);
		int timeout = Math.toIntExact(TIMEOUT.toMillis());
		return new JedisCluster(cluster.nodes().stream().map(HostAndPort::from).collect(Collectors.toSet()), timeout,
				timeout, JedisCluster.DEFAULT_MAX_ATTEMPTS, config);
	}

	static JedisConnectionFactory springConnectionFactory(Endpoint endpoint) {
		return started(new JedisConnectionFactory(new RedisStandaloneConfiguration(endpoint.host(), endpoint.port()),
				clientConfiguration()));
	}

	static JedisConnectionFactory springConnectionFactory(ClusterEndpoint cluster) {
		return started(new JedisConnectionFactory(new RedisClusterConfiguration(cluster.nodes()),
				clientConfiguration()));
	}

	private static JedisClientConfiguration clientConfiguration() {
		return JedisClientConfiguration.builder()
			.connectTimeout(TIMEOUT)
			.readTimeout(TIMEOUT)
			.usePooling()
			.poolConfig(poolConfig())
			.build();
	}

	private static JedisConnectionFactory started(JedisConnectionFactory factory) {
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@SuppressWarnings("deprecation")
	private static JedisPoolConfig poolConfig() {
		JedisPoolConfig config = new JedisPoolConfig();
		config.setMaxTotal(POOL_SIZE);
		config.setMaxIdle(POOL_SIZE);
		return config;
	}

}
