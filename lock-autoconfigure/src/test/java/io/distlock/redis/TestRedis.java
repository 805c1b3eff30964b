package io.distlock.redis;

import java.time.Duration;
import java.util.function.Consumer;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import io.distlock.core.LockListener;
import io.distlock.core.LockSettings;

/**
 * Connections and managers for tests against a fixture's redis-server.
 */
public final class TestRedis {

	public static final Duration TIMEOUT = Duration.ofSeconds(1);

	private TestRedis() {
	}

	public static JedisConnectionFactory connectionFactory(String host, int port) {
		return connectionFactory(host, port, (factory) -> {
		});
	}

	/**
	 * A started factory, set up by {@code customizer} before it starts.
	 */
	public static JedisConnectionFactory connectionFactory(String host, int port,
			Consumer<JedisConnectionFactory> customizer) {
		JedisClientConfiguration client = JedisClientConfiguration.builder()
			.connectTimeout(TIMEOUT)
			.readTimeout(TIMEOUT)
			.usePooling()
			.build();
		JedisConnectionFactory factory = new JedisConnectionFactory(new RedisStandaloneConfiguration(host, port), client);
		customizer.accept(factory);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * A manager and the connections it owns, closed together.
	 */
	public record Manager(RedisLockManager locks, JedisConnectionFactory connections) implements AutoCloseable {

		public static Manager start(String host, int port, LockSettings settings, LockListener listener) {
			JedisConnectionFactory connections = connectionFactory(host, port);
			return new Manager(new RedisLockManager(connections, RedisLockOptions.DEFAULTS, settings, listener),
					connections);
		}

		public static Manager start(String host, int port) {
			return start(host, port, LockSettings.DEFAULTS, LockListener.NO_OP);
		}

		@Override
		public void close() {
			this.locks.close();
			this.connections.destroy();
		}

	}

}
