package io.distlock.redis;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The pooled, thread-safe client a {@link JedisConnectionFactory} keeps: standalone or Sentinel
 * in its unified mode, and always on a cluster (its {@code JedisCluster}, which sends each command
 * to the node owning the key and follows {@code MOVED} and {@code ASK}), for running a script
 * without wrapping each call in a Spring Data connection (which costs about as much client CPU as
 * the script's round trip itself). It is the factory's
 * own client, so the application's pool, timeouts and credentials apply, and it is asked for on
 * every call, so a restarted factory's new client is used. Spring Data Redis keeps the accessor
 * protected; where it cannot be reached, {@link #find} finds nothing and scripts go through
 * connections.
 */
final class PooledScriptClient {

	private final JedisConnectionFactory factory;

	private final Method accessor;

	private PooledScriptClient(JedisConnectionFactory factory, Method accessor) {
		this.factory = factory;
		this.accessor = accessor;
	}

	static @Nullable PooledScriptClient find(RedisConnectionFactory connectionFactory) {
		if (!(connectionFactory instanceof JedisConnectionFactory factory)
				|| !(factory.isUseUnifiedJedis() || factory.isRedisClusterAware())) {
			return null;
		}
		try {
			Method accessor = JedisConnectionFactory.class.getDeclaredMethod("getRequiredRedisClient");
			accessor.setAccessible(true);
			return new PooledScriptClient(factory, accessor);
		}
		catch (NoSuchMethodException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * The factory's client now, or {@code null} when it has none (not started, or stopped).
	 */
	@Nullable UnifiedJedis client() {
		try {
			return (UnifiedJedis) this.accessor.invoke(this.factory);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			return null;
		}
	}

}
