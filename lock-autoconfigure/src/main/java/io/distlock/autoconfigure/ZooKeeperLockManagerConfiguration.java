package io.distlock.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.distlock.core.LockHolder;
import io.distlock.core.LockListener;
import io.distlock.core.LockManager;
import io.distlock.core.LockSettings;
import io.distlock.zookeeper.ZooKeeperLockManager;
import io.distlock.zookeeper.ZooKeeperLockOptions;

/**
 * The {@link ZooKeeperLockManager} when the backend is ZooKeeper, on the application's
 * {@link CuratorFramework} (used as it is, never closed by us) or on one made from
 * {@code distlock.zookeeper.*} (closed with the context), unless the application defines a
 * {@link LockManager}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(CuratorFramework.class)
@Conditional(OnZooKeeperBackendCondition.class)
@ConditionalOnMissingBean(LockManager.class)
class ZooKeeperLockManagerConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ZooKeeperLockManagerConfiguration.class);

	private static final int BASE_RETRY_MILLIS = 100;

	private static final int MAX_RETRIES = 3;

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	CuratorFramework distlockCuratorFramework(DistributedLockProperties properties) {
		DistributedLockProperties.ZooKeeper zookeeper = properties.getZookeeper();
		String connectString = zookeeper.getConnectString();
		if (connectString == null || connectString.isBlank()) {
			throw new IllegalStateException("distlock.backend=zookeeper needs distlock.zookeeper.connect-string "
					+ "or a CuratorFramework bean");
		}
		CuratorFramework client = CuratorFrameworkFactory.builder()
			.connectString(connectString)
			.sessionTimeoutMs(Math.toIntExact(zookeeper.getSessionTimeout().toMillis()))
			.connectionTimeoutMs(Math.toIntExact(zookeeper.getConnectionTimeout().toMillis()))
			.retryPolicy(new ExponentialBackoffRetry(BASE_RETRY_MILLIS, MAX_RETRIES))
			.build();
		client.start();
		awaitFirstConnection(client, zookeeper.getConnectionTimeout());
		return client;
	}

	/**
	 * Waits, at most {@code timeout}, for the client's first connection, so that locks taken while
	 * the application starts do not fail while it connects; start-up goes on without one.
	 */
	private static void awaitFirstConnection(CuratorFramework client, Duration timeout) {
		try {
			if (!client.blockUntilConnected(Math.toIntExact(timeout.toMillis()), TimeUnit.MILLISECONDS)) {
				logger.warn("Not connected to ZooKeeper at {} within {}: lock calls fail until it connects",
						client.getZookeeperClient().getCurrentConnectionString(), timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Bean(destroyMethod = "close")
	ZooKeeperLockManager zooKeeperLockManager(CuratorFramework client, DistributedLockProperties properties,
			ObjectProvider<LockListener> listeners, Environment environment) {
		ZooKeeperLockOptions options = new ZooKeeperLockOptions(properties.getZookeeper().getBasePath(),
				LockHolder.of(environment.getProperty("spring.application.name")));
		LockSettings settings = properties.lockSettings();
		return new ZooKeeperLockManager(client, options, settings, LockListener.of(listeners.orderedStream().toList()));
	}

	@Bean
	LockManagerLifecycle zooKeeperLockManagerLifecycle(ZooKeeperLockManager zooKeeperLockManager) {
		return new LockManagerLifecycle(zooKeeperLockManager, 0);
	}

}
