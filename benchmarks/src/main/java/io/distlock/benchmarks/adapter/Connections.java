package io.distlock.benchmarks.adapter;

import java.time.Duration;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

/**
 * Connection pools sized alike for every library, large enough for the most threads any scenario
 * runs, so that no library queues for a connection.
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

	static JedisConnectionFactory springConnectionFactory(Endpoint endpoint) {
		JedisClientConfiguration client = JedisClientConfiguration.builder()
			.connectTimeout(TIMEOUT)
			.readTimeout(TIMEOUT)
			.usePooling()
			.poolConfig(poolConfig())
			.build();
		JedisConnectionFactory factory = new JedisConnectionFactory(
				new RedisStandaloneConfiguration(endpoint.host(), endpoint.port()), client);
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
