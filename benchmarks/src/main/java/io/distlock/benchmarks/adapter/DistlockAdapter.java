package io.distlock.benchmarks.adapter;

import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.redis.RedisLockManager;

/**
 * distlock's programmatic path, as the README shows it: {@code RedisLockManager.acquire} in
 * try-with-resources, with the default options (renewal on, as for a user's programmatic lock).
 */
final class DistlockAdapter implements LockAdapter {

	private final JedisConnectionFactory connections;

	private final RedisLockManager locks;

	DistlockAdapter(Endpoint endpoint) {
		this.connections = Connections.springConnectionFactory(endpoint);
		this.locks = new RedisLockManager(this.connections);
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		try (LockHandle handle = this.locks.acquire(LockRequest.of(key, LEASE).withWaitTime(WAIT))) {
			criticalSection.run();
		}
	}

	@Override
	public void close() {
		this.locks.close();
		this.connections.destroy();
	}

}
