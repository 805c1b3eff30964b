package io.distlock.benchmarks.adapter;

import org.apache.curator.framework.CuratorFramework;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.redis.RedisLockManager;
import io.distlock.zookeeper.ZooKeeperLockManager;

/**
 * distlock's programmatic path, as the README shows it: {@code LockManager.acquire} in
 * try-with-resources, with the default options (renewal on, as for a user's programmatic lock),
 * on Redis (standalone or cluster) or on ZooKeeper.
 */
final class DistlockAdapter implements LockAdapter {

	private final LockManager locks;

	private final Runnable closeConnections;

	private DistlockAdapter(LockManager locks, Runnable closeConnections) {
		this.locks = locks;
		this.closeConnections = closeConnections;
	}

	static DistlockAdapter onRedis(Endpoint endpoint) {
		JedisConnectionFactory connections = Connections.springConnectionFactory(endpoint);
		return new DistlockAdapter(new RedisLockManager(connections), connections::destroy);
	}

	static DistlockAdapter onCluster(ClusterEndpoint cluster) {
		JedisConnectionFactory connections = Connections.springConnectionFactory(cluster);
		return new DistlockAdapter(new RedisLockManager(connections), connections::destroy);
	}

	static DistlockAdapter onZooKeeper(Endpoint endpoint) {
		CuratorFramework client = ZooKeeperClients.connected(endpoint);
		return new DistlockAdapter(new ZooKeeperLockManager(client), client::close);
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
		this.closeConnections.run();
	}

}
