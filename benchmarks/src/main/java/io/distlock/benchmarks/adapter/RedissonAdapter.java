package io.distlock.benchmarks.adapter;

import java.util.concurrent.TimeUnit;

import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson's {@link RLock} with its defaults: {@code lock()} waits on pub/sub and the watchdog
 * renews the lease while held. Two keys: a {@code RedissonMultiLock} over their {@code RLock}s,
 * {@code tryLock(wait, lease, unit)} then {@code unlock()}.
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

	/**
	 * {@inheritDoc}
	 * <p>
	 * The multi-lock takes its locks in the order given, each waiting up to the whole bound, so it
	 * gets them in key order: two transfers over one pair of keys in opposite directions would
	 * otherwise hold one each and wait for the other until the bound ran out.
	 */
	@Override
	public void runLockedBoth(String first, String second, Runnable criticalSection) {
		boolean inOrder = first.compareTo(second) <= 0;
		RLock both = this.client.getMultiLock(this.client.getLock(inOrder ? first : second),
				this.client.getLock(inOrder ? second : first));
		if (!tryLock(both)) {
			throw new IllegalStateException("Redisson multi-lock on '" + first + "' and '" + second
					+ "' not acquired within " + WAIT);
		}
		try {
			criticalSection.run();
		}
		finally {
			both.unlock();
		}
	}

	private static boolean tryLock(RLock lock) {
		try {
			return lock.tryLock(WAIT.toMillis(), LEASE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a Redisson multi-lock", ex);
		}
	}

	@Override
	public void close() {
		this.client.shutdown();
	}

}
