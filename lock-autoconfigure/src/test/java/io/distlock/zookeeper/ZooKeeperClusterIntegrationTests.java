package io.distlock.zookeeper;

import java.time.Duration;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.distlock.core.LockHandle;
import io.distlock.core.LockListener;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockSettings;
import io.distlock.core.LockStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ZooKeeperLockManager} on a 3-node in-process ensemble that loses a member.
 */
class ZooKeeperClusterIntegrationTests {

	private static TestingCluster cluster;

	@BeforeAll
	static void startCluster() throws Exception {
		cluster = new TestingCluster(3);
		cluster.start();
	}

	@AfterAll
	static void stopCluster() throws Exception {
		cluster.close();
	}

	@Test
	void losingTheConnectedMemberCostsBoundedFailuresThenServesAgainAndKeepsHeldLocks() throws Exception {
		try (TestZooKeeper.Manager manager = TestZooKeeper.Manager.start(cluster.getConnectString(),
				Duration.ofSeconds(10), LockSettings.DEFAULTS, LockListener.NO_OP)) {
			ZooKeeperLockManager locks = manager.locks();
			LockHandle held = locks.acquire(LockRequest.of("kept", Duration.ofSeconds(30)));
			CuratorFramework client = manager.client();
			InstanceSpec connected = cluster.findConnectionInstance(client.getZookeeperClient().getZooKeeper());
			assertThat(cluster.killServer(connected)).isTrue();
			int failures = 0;
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			for (int i = 0;; i++) {
				LockHandle handle = locks.lock("after:" + i, Duration.ofSeconds(5), Duration.ofSeconds(1));
				LockResult result = handle.result().get();
				if (result.acquired()) {
					handle.unlock();
					break;
				}
				assertThat(result.status()).isIn(LockStatus.FAILED, LockStatus.TIMED_OUT);
				failures++;
				assertThat(System.nanoTime() - deadline).as("service back after %d failures", failures).isNegative();
			}
			while (!held.isHeld()) {
				assertThat(System.nanoTime() - deadline).as("held lock restored").isNegative();
				Thread.sleep(10);
			}
			assertThat(held.leaseLost()).isNotDone();
			held.unlock();
			// A request that timed out while its attempt was stuck on the lost member ends at its
			// bound; its key queue goes once that attempt returns.
			await().atMost(Duration.ofSeconds(20)).until(() -> locks.activeKeys() == 0);
			assertThat(ZooKeeperServerExtension.children(cluster.getConnectString(), "/distlock/kept")).isEmpty();
		}
	}

}
