package io.distlock.autoconfigure;

import java.time.Duration;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.actuate.DistributedLockHealthIndicator;
import io.distlock.actuate.LocksEndpoint;
import io.distlock.autoconfigure.actuate.DistributedLockActuatorAutoConfiguration;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.redis.RedisLockManager;
import io.distlock.zookeeper.ZooKeeperLockManager;
import io.distlock.zookeeper.ZooKeeperServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the ZooKeeper backend's auto-configuration, against an in-process ZooKeeper server.
 */
class ZooKeeperLockManagerConfigurationTests {

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, EndpointAutoConfiguration.class,
				DistributedLockAutoConfiguration.class, DistributedLockActuatorAutoConfiguration.class));

	@Test
	void connectStringSelectsZooKeeperOnAClientConnectedOnceStartedThatItClosesWithTheContext() {
		CuratorFramework[] client = new CuratorFramework[1];
		this.runner.withPropertyValues("distlock.zookeeper.connect-string=" + zookeeper.connectString()).run((context) -> {
			assertThat(context).hasSingleBean(ZooKeeperLockManager.class).doesNotHaveBean(RedisLockManager.class);
			client[0] = context.getBean(CuratorFramework.class);
			assertThat(client[0].getZookeeperClient().isConnected()).as("connected once started").isTrue();
			try (LockHandle handle = context.getBean(LockManager.class)
				.acquire(LockRequest.of("configured", Duration.ofSeconds(5)))) {
				assertThat(handle.fencingToken()).isPositive();
			}
		});
		assertThat(client[0].getState()).isEqualTo(CuratorFrameworkState.STOPPED);
	}

	@Test
	void usesTheApplicationsClientAndLeavesItOpen() throws Exception {
		CuratorFramework client = zookeeper.client();
		// Spring itself closes an AutoCloseable bean unless told not to; the manager never does.
		this.runner.withBean(CuratorFramework.class, () -> client, (definition) -> definition.setDestroyMethodName(""))
			.run((context) -> {
				assertThat(context).hasSingleBean(ZooKeeperLockManager.class).hasSingleBean(CuratorFramework.class);
				LockHandle handle = context.getBean(LockManager.class).lock("user-client", Duration.ofSeconds(30));
				assertThat(handle.await().acquired()).isTrue();
			});
		assertThat(client.getState()).isEqualTo(CuratorFrameworkState.STARTED);
		assertThat(client.checkExists().forPath("/distlock")).isNotNull();
	}

	@Test
	void releasesHeldLocksWhenTheContextCloses() throws Exception {
		this.runner.withBean(CuratorFramework.class, zookeeper::client)
			.run((context) -> assertThat(context.getBean(LockManager.class)
				.lock("left", Duration.ofMinutes(5)).await().acquired()).isTrue());
		assertThat(zookeeper.children("/distlock/left")).isEmpty();
	}

	@Test
	void redisBackendIgnoresTheClientBean() {
		this.runner.withBean(CuratorFramework.class, zookeeper::client)
			.withPropertyValues("distlock.backend=redis")
			.run((context) -> assertThat(context).hasSingleBean(RedisLockManager.class)
				.doesNotHaveBean(ZooKeeperLockManager.class));
	}

	@Test
	void zooKeeperBackendWithoutEnsembleFailsNamingTheProperty() {
		this.runner.withPropertyValues("distlock.backend=zookeeper")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("distlock.zookeeper.connect-string"));
	}

	@Test
	void zooKeeperBackendWithoutCuratorFailsNamingTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader(CuratorFramework.class))
			.withPropertyValues("distlock.backend=zookeeper")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("curator-recipes"));
	}

	@Test
	void healthAndLocksEndpointWorkOnZooKeeper() {
		this.runner.withBean(CuratorFramework.class, zookeeper::client)
			.withPropertyValues("management.endpoints.web.exposure.include=locks", "distlock.zookeeper.base-path=/shown")
			.run((context) -> {
				LockHandle held = context.getBean(LockManager.class)
					.acquire(LockRequest.of("ledger:7", Duration.ofSeconds(10)).withName("ledger"));
				assertThat(context.getBean(DistributedLockHealthIndicator.class).health(true).getStatus())
					.isEqualTo(Status.UP);
				assertThat(context.getBean(LocksEndpoint.class).locks().held()).singleElement()
					.satisfies((state) -> assertThat(state.fencingToken()).isEqualTo(held.fencingToken()));
				assertThat(zookeeper.children("/shown")).containsExactly("ledger%3A7");
				held.unlock();
			});
	}

	@Test
	void healthIsDownWhileTheEnsembleIsUnreachable() throws Exception {
		this.runner.withBean(CuratorFramework.class, zookeeper::client).run((context) -> {
			CuratorFramework client = context.getBean(CuratorFramework.class);
			zookeeper.stopAndAwaitDisconnection(client);
			try {
				assertThat(context.getBean(DistributedLockHealthIndicator.class).health(true).getStatus())
					.isEqualTo(Status.DOWN);
			}
			finally {
				zookeeper.restart();
			}
		});
	}

}
