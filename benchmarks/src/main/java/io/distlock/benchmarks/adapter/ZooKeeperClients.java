package io.distlock.benchmarks.adapter;

import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Curator clients made alike for every ZooKeeper library: Curator's default timeouts, a short
 * retry policy, connected before the first measurement.
 */
final class ZooKeeperClients {

	private static final int CONNECT_SECONDS = 30;

	private ZooKeeperClients() {
	}

	static CuratorFramework connected(Endpoint endpoint) {
		CuratorFramework client = CuratorFrameworkFactory.newClient(endpoint.zooKeeper(),
				new ExponentialBackoffRetry(100, 3));
		client.start();
		try {
			if (!client.blockUntilConnected(CONNECT_SECONDS, TimeUnit.SECONDS)) {
				client.close();
				throw new IllegalStateException("Could not connect to ZooKeeper at " + endpoint.zooKeeper());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			client.close();
			throw new IllegalStateException("Interrupted while connecting to ZooKeeper", ex);
		}
		return client;
	}

}
