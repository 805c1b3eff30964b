package io.distlock.benchmarks.adapter;


import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;
import org.springframework.integration.redis.util.RedisLockRegistry.RedisLockType;

/**
 * Spring Integration's {@link RedisLockRegistry} over a Jedis connection factory (standalone or
 * cluster), in either lock type, otherwise with its defaults (a spin lock retries every 100ms).
 */
final class SpringIntegrationAdapter implements LockAdapter {

	private final JedisConnectionFactory connections;

	private final RedisLockRegistry registry;

	SpringIntegrationAdapter(Endpoint endpoint, RedisLockType type) {
		this(Connections.springConnectionFactory(endpoint), type);
	}

	SpringIntegrationAdapter(ClusterEndpoint cluster, RedisLockType type) {
		this(Connections.springConnectionFactory(cluster), type);
	}

	private SpringIntegrationAdapter(JedisConnectionFactory connections, RedisLockType type) {
		this.connections = connections;
		this.registry = new RedisLockRegistry(this.connections, "si", LEASE);
		this.registry.setRedisLockType(type);
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		LockAdapter.runHolding(this.registry.obtain(key), criticalSection);
	}

	@Override
	public void close() {
		this.registry.destroy();
		this.connections.destroy();
	}

}
