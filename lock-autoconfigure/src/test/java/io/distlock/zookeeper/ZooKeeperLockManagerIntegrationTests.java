package io.distlock.zookeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.KillSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.CountingListener;
import io.distlock.core.FencingChecks;
import io.distlock.core.LockHandle;
import io.distlock.core.LockListener;
import io.distlock.core.LockLostException;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockSettings;
import io.distlock.core.LockStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ZooKeeperLockManager} against an in-process ZooKeeper server.
 */
class ZooKeeperLockManagerIntegrationTests {

	private static final String BASE = "/distlock";

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	private final List<ZooKeeperLockManager> managers = new ArrayList<>();

	@AfterEach
	void closeManagers() {
		this.managers.forEach(ZooKeeperLockManager::close);
	}

	private ZooKeeperLockManager manager(CuratorFramework client, LockListener listener) {
		ZooKeeperLockManager manager = new ZooKeeperLockManager(client, ZooKeeperLockOptions.DEFAULTS,
				LockSettings.DEFAULTS, listener);
		this.managers.add(manager);
		return manager;
	}

	private ZooKeeperLockManager manager() {
		return manager(zookeeper.client(), LockListener.NO_OP);
	}

	private static void awaitNoNodes() throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!zookeeper.children(BASE).isEmpty()) {
			assertThat(System.nanoTime() - deadline).as("containers removed").isNegative();
			Thread.sleep(50);
		}
	}

	@Test
	void acquiresAndReleasesWithTheNodesCreationZxidAsToken() throws Exception {
		ZooKeeperLockManager locks = manager();
		LockHandle handle = locks.lock("orders:1", Duration.ofSeconds(5));
		LockResult result = handle.await();
		assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(handle.isHeld()).isTrue();
		List<String> nodes = zookeeper.children(BASE + "/orders%3A1");
		assertThat(nodes).singleElement().satisfies((node) -> assertThat(node).startsWith("_c_").contains("lock-"));
		long czxid = zookeeper.client().checkExists().forPath(BASE + "/orders%3A1/" + nodes.get(0)).getCzxid();
		assertThat(handle.fencingToken()).isEqualTo(result.fencingToken()).isEqualTo(czxid);
		handle.unlock();
		assertThat(handle.isHeld()).isFalse();
		assertThat(zookeeper.children(BASE + "/orders%3A1")).isEmpty();
		assertThat(locks.activeKeys()).isZero();
	}

	@Test
	void unlocksFromAnotherThreadThanTheAcquiringOne() throws Exception {
		ZooKeeperLockManager locks = manager();
		LockHandle handle = CompletableFuture
			.supplyAsync(() -> locks.acquire(LockRequest.of("threads", Duration.ofSeconds(5))))
			.get(10, TimeUnit.SECONDS);
		Thread other = new Thread(handle::unlock);
		other.start();
		other.join();
		assertThat(handle.isHeld()).isFalse();
		LockResult next = manager().lock("threads", Duration.ofSeconds(5), Duration.ZERO).await();
		assertThat(next.status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(next.fencingToken()).isGreaterThan(handle.fencingToken());
	}

	@Test
	void fencingTokensIncreaseAcrossHoldersAndAfterTheContainerWasRemoved() throws Exception {
		ZooKeeperLockManager first = manager();
		ZooKeeperLockManager second = manager();
		long previous = FencingChecks.tokensIncreaseAcrossHolders(first, second, "fenced");
		// The container goes, and with it the sequence numbers, which restart at 0.
		awaitNoNodes();
		try (LockHandle after = second.acquire(LockRequest.of("fenced", Duration.ofSeconds(5)))) {
			assertThat(zookeeper.children(BASE + "/fenced")).singleElement()
				.satisfies((node) -> assertThat(node).endsWith("lock-0000000000"));
			assertThat(after.fencingToken()).isGreaterThan(previous);
		}
	}

	@Test
	void waiterInAnotherProcessAcquiresWhenTheHolderReleases() {
		ZooKeeperLockManager holder = manager();
		ZooKeeperLockManager other = manager();
		LockHandle held = holder.acquire(LockRequest.of("handover", Duration.ofSeconds(30)));
		LockHandle waiting = other.lock("handover", Duration.ofSeconds(30), Duration.ofSeconds(20));
		assertThat(other.lock("handover", Duration.ofSeconds(30), Duration.ofMillis(200)).await().status())
			.isEqualTo(LockStatus.TIMED_OUT);
		held.unlock();
		LockResult result = waiting.await();
		assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(result.fencingToken()).isGreaterThan(held.fencingToken());
		waiting.unlock();
		assertThat(other.activeKeys()).isZero();
	}

	@Test
	void expiredSessionMarksTheHandleLostOnceAndFreesTheLock() throws Exception {
		CountingListener listener = new CountingListener();
		CuratorFramework client = zookeeper.client();
		ZooKeeperLockManager locks = manager(client, listener);
		LockHandle handle = locks.acquire(LockRequest.of("expiring", Duration.ofSeconds(30)));
		KillSession.kill(client.getZookeeperClient().getZooKeeper());
		LockLostException lost = handle.leaseLost().get(10, TimeUnit.SECONDS);
		assertThat(lost).hasMessageContaining("session expired");
		assertThat(handle.isHeld()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(handle::assertHeld);
		LockHandle next = manager().acquire(LockRequest.of("expiring", Duration.ofSeconds(5))
			.withWaitTime(Duration.ofSeconds(10)));
		assertThat(next.fencingToken()).isGreaterThan(handle.fencingToken());
		handle.unlock();
		assertThat(next.isHeld()).isTrue();
		assertThat(listener.lost()).isEqualTo(1);
	}

	@Test
	void suspendedConnectionHoldsNothingSafelyUntilReconnectedInTheSameSession() throws Exception {
		ZooKeeperLockManager locks = manager(zookeeper.client(Duration.ofSeconds(4)), LockListener.NO_OP);
		LockHandle handle = locks.acquire(LockRequest.of("suspended", Duration.ofSeconds(30)));
		zookeeper.stop();
		try {
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (handle.isHeld()) {
				assertThat(System.nanoTime() - deadline).as("suspension noticed").isNegative();
				Thread.sleep(10);
			}
			assertThatExceptionOfType(LockLostException.class).isThrownBy(handle::assertHeld)
				.withMessageContaining("suspended");
		}
		finally {
			zookeeper.restart();
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!handle.isHeld()) {
			assertThat(System.nanoTime() - deadline).as("reconnected").isNegative();
			Thread.sleep(10);
		}
		assertThat(handle.leaseLost()).isNotDone();
		handle.unlock();
		assertThat(locks.activeKeys()).isZero();
	}

	@Test
	void lockWithoutRenewalIsGivenUpWhenItsTtlPasses() throws Exception {
		CountingListener listener = new CountingListener();
		ZooKeeperLockManager locks = manager(zookeeper.client(), listener);
		LockHandle handle = locks.acquire(LockRequest.of("short", Duration.ofMillis(300)).withAutoRenew(false));
		LockHandle waiting = manager().lock("short", Duration.ofSeconds(5), Duration.ofSeconds(10));
		assertThat(waiting.await().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(handle.isHeld()).isFalse();
		assertThat(listener.lost()).isEqualTo(1);
		assertThat(locks.activeKeys()).isZero();
		waiting.unlock();
	}

	@Test
	void renewingLockOutlivesItsTtlWhileTheSessionLives() throws Exception {
		ZooKeeperLockManager locks = manager();
		LockHandle handle = locks.acquire(LockRequest.of("renewed", Duration.ofMillis(300)));
		Thread.sleep(1000);
		assertThat(handle.isHeld()).isTrue();
		assertThat(locks.localLocks()).singleElement().satisfies((state) -> assertThat(state.renewals()).isPositive());
		handle.unlock();
	}

	@Test
	void waitersOfOneProcessKeepTheirPlaceInTheQueueAndLeaveNoNodeWhenTheyGiveUp() throws Exception {
		ZooKeeperLockManager holder = manager();
		ZooKeeperLockManager waiter = manager();
		LockHandle held = holder.acquire(LockRequest.of("queue", Duration.ofSeconds(10)));
		LockHandle first = waiter.lock("queue", Duration.ofSeconds(10), Duration.ofMillis(300));
		LockHandle second = waiter.lock("queue", Duration.ofSeconds(10), Duration.ofSeconds(10));
		assertThat(first.await().status()).isEqualTo(LockStatus.TIMED_OUT);
		assertThat(zookeeper.children(BASE + "/queue")).hasSize(2);
		second.cancel();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (zookeeper.children(BASE + "/queue").size() > 1) {
			assertThat(System.nanoTime() - deadline).as("waiting node withdrawn").isNegative();
			Thread.sleep(10);
		}
		assertThat(waiter.activeKeys()).isZero();
		held.unlock();
	}

	@Test
	void serverDownFailsRequestsWithinTheirBoundAndLeavesNothingHeld() throws Exception {
		CuratorFramework client = zookeeper.client();
		ZooKeeperLockManager locks = manager(client, LockListener.NO_OP);
		zookeeper.stopAndAwaitDisconnection(client);
		try {
			LockResult result = locks.lock("down", Duration.ofSeconds(5), Duration.ofSeconds(2)).result()
				.get(10, TimeUnit.SECONDS);
			assertThat(result.status()).isEqualTo(LockStatus.FAILED);
			assertThat(result.failure()).isNotNull();
		}
		finally {
			zookeeper.restart();
		}
		LockResult after = manager().lock("down", Duration.ofSeconds(5), Duration.ofSeconds(10)).await();
		assertThat(after.status()).isEqualTo(LockStatus.ACQUIRED);
	}

	@Test
	void tenThousandDistinctKeysLeaveNoNodeAndNoLocalState() throws Exception {
		ZooKeeperLockManager locks = manager();
		for (int batch = 0; batch < 20; batch++) {
			List<LockHandle> handles = new ArrayList<>();
			for (int i = 0; i < 500; i++) {
				handles.add(locks.lock("residue:" + batch + ":" + i, Duration.ofSeconds(30), Duration.ofSeconds(30)));
			}
			for (LockHandle handle : handles) {
				assertThat(handle.await().status()).isEqualTo(LockStatus.ACQUIRED);
				handle.unlock();
			}
		}
		assertThat(locks.activeKeys()).isZero();
		awaitNoNodes();
	}

	@Test
	void keysAreIsolatedWhateverCharactersTheyContain() throws Exception {
		ZooKeeperLockManager locks = manager();
		List<String> keys = List.of("a/b", "a%2Fb", ".", "..", "a:b", "ключ-🔒", "x".repeat(LockRequest.MAX_KEY_LENGTH));
		List<LockHandle> handles = new ArrayList<>();
		for (String key : keys) {
			handles.add(locks.acquire(LockRequest.of(key, Duration.ofSeconds(5)).withWaitTime(Duration.ZERO)));
		}
		assertThat(zookeeper.children(BASE)).hasSize(keys.size());
		handles.forEach(LockHandle::unlock);
		assertThat(locks.activeKeys()).isZero();
	}

}
