package io.distlock.benchmarks.adapter;

import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson's {@link RLock} with its defaults: {@code lock()} waits on pub/sub and the watchdog
 * renews the lease while held.
 */
final class RedissonAdapter implements LockAdapter {

	private final RedissonClient client;

	RedissonAdapter(Endpoint endpoint) {
		this(singleServer(endpoint));
	}

	private RedissonAdapter(Config config) {
		this.client = Redisson.create(config);
	}

	static RedissonAdapter onCluster(ClusterEndpoint cluster) {
		Config config = new Config();
		config.useClusterServers()
			.addNodeAddress(cluster.nodes().stream().map((node) -> "redis://" + node).toArray(String[]::new))
			.setMasterConnectionPoolSize(Connections.POOL_SIZE);
		return new RedissonAdapter(config);
	}

	static Config singleServer(Endpoint endpoint) {
		Config config = new Config();
		config.useSingleServer()
			.setAddress("redis://" + endpoint.host() + ":" + endpoint.port())
			.setConnectionPoolSize(Connections.POOL_SIZE);
		return config;
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		LockAdapter.runHolding(this.client.getLock(key), criticalSection);
	}

	@Override
	public void close() {
		this.client.shutdown();
	}

}
