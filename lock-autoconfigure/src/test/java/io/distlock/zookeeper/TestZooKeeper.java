package io.distlock.zookeeper;

import java.time.Duration;

import org.apache.curator.framework.CuratorFramework;

import io.distlock.core.LockListener;
import io.distlock.core.LockSettings;

/**
 * Managers for tests against a ZooKeeper ensemble, each on a client of its own.
 */
public final class TestZooKeeper {

	private TestZooKeeper() {
	}

	/**
	 * A manager and the client it uses, closed together.
	 */
	public record Manager(ZooKeeperLockManager locks, CuratorFramework client) implements AutoCloseable {

		public static Manager start(String connectString, Duration sessionTimeout, LockSettings settings,
				LockListener listener) {
			CuratorFramework client = ZooKeeperServerExtension.newClient(connectString, sessionTimeout);
			return new Manager(new ZooKeeperLockManager(client, ZooKeeperLockOptions.DEFAULTS, settings, listener),
					client);
		}

		@Override
		public void close() {
			this.locks.close();
			this.client.close();
		}

	}

}
