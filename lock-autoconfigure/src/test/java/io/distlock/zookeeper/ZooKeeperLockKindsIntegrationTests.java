package io.distlock.zookeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.KillSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.HeldLock;
import io.distlock.core.LockHandle;
import io.distlock.core.LockHolder;
import io.distlock.core.LockKindsManagerTests;
import io.distlock.core.LockListener;
import io.distlock.core.LockManager;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.LockSettings;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for shared locks and permits through {@link ZooKeeperLockManager} against an in-process
 * ZooKeeper server: managers on sessions of their own stand for processes, and every concurrency
 * claim is checked by counters the locks do not use.
 */
class ZooKeeperLockKindsIntegrationTests extends LockKindsManagerTests {

	private static final String BASE = ZooKeeperLockOptions.DEFAULTS.basePath();

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	private final List<ZooKeeperLockManager> managers = new ArrayList<>();

	@AfterEach
	void closeManagers() {
		this.managers.forEach(ZooKeeperLockManager::close);
	}

	@Test
	void eachShareAndPermitIsANodeOfItsKindAndTheViewShowsHowManyHold() throws Exception {
		ZooKeeperLockManager orders = application("orders");
		ZooKeeperLockManager billing = application("billing");
		LockRequest share = request("report").withMode(LockMode.SHARED).withName("reports");
		LockHandle first = orders.acquire(share);
		LockHandle latest = billing.acquire(share);
		LockHandle permit = orders.acquire(request("quota").withPermits(3).withName("quotas"));
		assertThat(zookeeper.children(BASE + "/report")).hasSize(2).allMatch((node) -> node.contains("-shared-"));
		assertThat(zookeeper.children(BASE + "/quota")).singleElement()
			.satisfies((node) -> assertThat(node).contains("-permits-3-"));
		Map<String, HeldLock> locks = locksByKey(orders);
		assertThat(locks.get("report")).satisfies((lock) -> {
			assertThat(lock.mode()).isEqualTo(HeldLock.SHARED);
			assertThat(lock.holders()).isEqualTo(2);
			assertThat(lock.fencingToken()).as("the latest token").isEqualTo(latest.fencingToken())
				.isGreaterThan(first.fencingToken());
			assertThat(lock.holder()).as("the latest holder").startsWith("billing@");
			assertThat(lock.name()).isEqualTo("reports");
			assertThat(lock.waiters()).isZero();
		});
		assertThat(locks.get("quota")).satisfies((lock) -> {
			assertThat(lock.mode()).isEqualTo(HeldLock.PERMITS);
			assertThat(lock.holders()).isEqualTo(1);
			assertThat(lock.fencingToken()).isEqualTo(permit.fencingToken());
		});
		List.of(first, latest, permit).forEach(LockHandle::unlock);
		assertNoResidue();
	}

	@Test
	void aForcedReleaseEvictsEveryShareAndWakesTheWaitingWriter() throws Exception {
		ZooKeeperLockManager orders = application("orders");
		ZooKeeperLockManager billing = application("billing");
		LockRequest share = request("report").withMode(LockMode.SHARED);
		List<LockHandle> shares = List.of(orders.acquire(share), billing.acquire(share));
		LockHandle writer = billing.lock(request("report"));
		await().atMost(Duration.ofSeconds(5)).until(() -> locksByKey(orders).get("report").waiters() == 1);

		HeldLock released = orders.forceRelease("report");
		assertThat(released).isNotNull();
		assertThat(released.mode()).isEqualTo(HeldLock.SHARED);
		assertThat(released.holders()).isEqualTo(2);
		assertThat(released.waiters()).isEqualTo(1);
		assertThat(writer.result().get(5, TimeUnit.SECONDS).acquired()).as("the writer, woken").isTrue();
		for (LockHandle evicted : shares) {
			assertThat(evicted.leaseLost().get(TTL.toSeconds() + 2, TimeUnit.SECONDS).getMessage())
				.contains("an operator released the lock by force");
			assertThat(writer.fencingToken()).isGreaterThan(evicted.fencingToken());
			evicted.unlock();
		}
		assertThat(writer.isHeld()).as("the writer, after the evicted holders' unlock()").isTrue();
		writer.unlock();
		assertNoResidue();
	}

	@Test
	void aShareOrPermitThatGivesUpWaitingLeavesNoNode() throws Exception {
		ZooKeeperLockManager holder = application("orders");
		ZooKeeperLockManager waiter = application("billing");
		LockHandle exclusive = holder.acquire(request("gate"));
		for (LockRequest busy : List.of(request("gate").withMode(LockMode.SHARED), request("gate").withPermits(2))) {
			assertThat(waiter.lock(busy.withWaitTime(Duration.ofMillis(300))).await().status()).as("%s", busy)
				.isEqualTo(LockStatus.TIMED_OUT);
		}
		assertThat(zookeeper.children(BASE + "/gate")).as("the holder's node only").hasSize(1);
		assertThat(waiter.activeKeys()).isZero();
		exclusive.unlock();
		assertNoResidue();
	}

	@Test
	void anUnrenewedShareIsGivenUpWhenItsTtlPasses() throws Exception {
		ZooKeeperLockManager crashed = application("orders");
		LockHandle share = crashed.acquire(LockRequest.of("nightly", Duration.ofMillis(300)).withMode(LockMode.SHARED)
			.withAutoRenew(false));
		LockHandle writer = application("billing").lock(request("nightly"));
		assertThat(writer.await().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(share.isHeld()).isFalse();
		share.unlock();
		writer.unlock();
		assertNoResidue();
	}

	@Test
	void anExpiredSessionLosesEveryShareAndPermitOfItsProcess() throws Exception {
		CuratorFramework client = zookeeper.client();
		ZooKeeperLockManager expiring = manager(client, "orders");
		List<LockHandle> held = List.of(expiring.acquire(request("ledger").withMode(LockMode.SHARED)),
				expiring.acquire(request("ledger").withMode(LockMode.SHARED)),
				expiring.acquire(request("quota").withPermits(2)));
		KillSession.kill(client.getZookeeperClient().getZooKeeper());
		for (LockHandle handle : held) {
			assertThat(handle.leaseLost().get(10, TimeUnit.SECONDS)).hasMessageContaining("session expired");
			handle.unlock();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> expiring.activeKeys() == 0);
		// The server ends the killed session, and its nodes, within the session timeout.
		application("billing").acquire(request("ledger")).unlock();
		assertNoResidue();
	}

	@Test
	void tenThousandSharesAndPermitsReleasedOrExpiredLeaveNoNode() throws Exception {
		ZooKeeperLockManager locks = application("orders");
		List<LockHandle> held = new ArrayList<>();
		// All asked for at once: an in-process server on two cores takes a while to grant them all.
		Duration patience = Duration.ofSeconds(90);
		for (int i = 0; i < 5000; i++) {
			held.add(locks.lock(request("residue:s:" + i).withMode(LockMode.SHARED).withWaitTime(patience)));
			held.add(locks.lock(request("residue:p:" + i).withPermits(2).withAutoRenew(false).withWaitTime(patience)));
		}
		for (LockHandle handle : held) {
			assertThat(handle.await()).as(handle.key()).extracting(LockResult::status).isEqualTo(LockStatus.ACQUIRED);
		}
		for (int i = 0; i < held.size(); i += 2) {
			held.get(i).unlock();
		}
		// The permits' leases run out unrenewed: a ZooKeeper node outlives its ttl, so the engine gives
		// it back itself once it counts the lease lost.
		await().atMost(Duration.ofSeconds(60)).until(() -> locks.activeKeys() == 0);
		await().atMost(Duration.ofSeconds(30)).until(() -> zookeeper.lockNodes(BASE) == 0);
		assertNoResidue();
	}

	@Override
	protected LockManager process() {
		return application("process-" + this.managers.size());
	}

	private ZooKeeperLockManager application(String name) {
		return manager(zookeeper.client(), name);
	}

	private ZooKeeperLockManager manager(CuratorFramework client, String application) {
		ZooKeeperLockOptions options = ZooKeeperLockOptions.DEFAULTS.withHolder(LockHolder.of(application));
		ZooKeeperLockManager manager = new ZooKeeperLockManager(client, options, LockSettings.DEFAULTS,
				LockListener.NO_OP);
		this.managers.add(manager);
		return manager;
	}

	
	private static Map<String, HeldLock> locksByKey(ZooKeeperLockManager manager) {
		return manager.backendLocks(null, 100).locks().stream()
			.collect(Collectors.toMap(HeldLock::key, Function.identity()));
	}

	/**
	 * Asserts that no lock node is left at once, and no key's container once the server's sweep ran.
	 */
	@Override
	protected void assertNoResidue() throws Exception {
		assertThat(zookeeper.lockNodes(BASE)).as("lock nodes").isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> zookeeper.children(BASE).isEmpty());
	}

}
