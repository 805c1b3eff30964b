package io.distlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.HeldLock;
import io.distlock.core.HeldLocksPage;
import io.distlock.core.LockHandle;
import io.distlock.core.LockHolder;
import io.distlock.core.LockListener;
import io.distlock.core.LockLostException;
import io.distlock.core.LockNotAcquiredException;
import io.distlock.core.LockRequest;
import io.distlock.core.LockSettings;

import static io.distlock.core.HeldLockAssertions.allPages;
import static io.distlock.core.HeldLockAssertions.assertHeldBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for what {@link ZooKeeperLockManager} shows and does for operators, against an
 * in-process ZooKeeper server: two managers on sessions of their own stand for two applications
 * ("orders" and "billing"); each sees the locks of both ({@code backendLocks}) and can free
 * either's lock by force.
 */
class ZooKeeperOperatorIntegrationTests {

	/** Renewed every second, so an evicted holder hears of it within about a second. */
	private static final Duration TTL = Duration.ofSeconds(3);

	private static final Duration RENEWAL_INTERVAL = TTL.dividedBy(3);

	private static final String BASE = ZooKeeperLockOptions.DEFAULTS.basePath();

	private static final String PID = "(pid " + ProcessHandle.current().pid() + ")";

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	private final List<ZooKeeperLockManager> managers = new ArrayList<>();

	@AfterEach
	void closeManagers() {
		this.managers.forEach(ZooKeeperLockManager::close);
	}

	private ZooKeeperLockManager application(String name) {
		ZooKeeperLockOptions options = ZooKeeperLockOptions.DEFAULTS.withHolder(LockHolder.of(name));
		ZooKeeperLockManager manager = new ZooKeeperLockManager(zookeeper.client(), options, LockSettings.DEFAULTS,
				LockListener.NO_OP);
		this.managers.add(manager);
		return manager;
	}

	@Test
	void eitherManagerSeesEveryLockWithItsKeyNameHolderTokenAndWaiters() throws Exception {
		ZooKeeperLockManager orders = application("orders");
		ZooKeeperLockManager billing = application("billing");
		LockHandle report = orders.acquire(LockRequest.of("report", TTL).withName("reports"));
		LockHandle export = billing.acquire(LockRequest.of("export:7", TTL).withName("exports"));
		LockHandle waiting = billing.lock(LockRequest.of("report", TTL).withName("reports")
			.withWaitTime(Duration.ofSeconds(20)));
		await().atMost(Duration.ofSeconds(5)).until(() -> locksByKey(orders).get("report").waiters() == 1);
		for (ZooKeeperLockManager manager : List.of(orders, billing)) {
			HeldLocksPage page = manager.backendLocks(null, 10);
			assertThat(page.next()).as("the cursor after the only page").isNull();
			Map<String, HeldLock> byKey = byKey(page.locks());
			assertThat(byKey).containsOnlyKeys("report", "export:7");
			assertThat(byKey.get("report")).satisfies((lock) -> {
				assertHeldBy(lock, "orders", report, "reports", 1);
				assertThat(lock.remainingTtl()).as("the ttl it was taken with").isEqualTo(TTL);
			});
			assertHeldBy(byKey.get("export:7"), "billing", export, "exports", 0);
		}
		report.unlock();
		assertThat(waiting.await().acquired()).isTrue();
		assertThat(locksByKey(orders).get("report")).satisfies((lock) -> {
			assertThat(lock.holder()).startsWith("billing@");
			assertThat(lock.fencingToken()).isEqualTo(waiting.fencingToken()).isGreaterThan(report.fencingToken());
			assertThat(lock.waiters()).isZero();
		});
		waiting.unlock();
		export.unlock();
		assertThat(orders.backendLocks(null, 10).locks()).isEmpty();
		assertNoResidue();
	}

	@Test
	void pagesThroughThreeHundredLocksOfTwoManagersAtASmallLimitSeeingEachOnce() throws Exception {
		ZooKeeperLockManager orders = application("orders");
		ZooKeeperLockManager billing = application("billing");
		List<LockHandle> held = new ArrayList<>();
		for (int i = 0; i < 320; i++) {
			held.add(((i % 2 == 0) ? orders : billing).acquire(LockRequest.of("item:" + i, TTL)));
		}
		List<HeldLocksPage> pages = allPages((cursor) -> billing.backendLocks(cursor, 7));
		assertThat(pages).as("pages").hasSize(46)
			.allSatisfy((page) -> assertThat(page.locks()).hasSizeLessThanOrEqualTo(7));
		List<String> seen = pages.stream().flatMap((page) -> page.locks().stream()).map(HeldLock::key).toList();
		assertThat(seen).as("keys seen, counting duplicates").hasSize(320);
		assertThat(new HashSet<>(seen)).as("distinct keys seen")
			.isEqualTo(held.stream().map(LockHandle::key).collect(Collectors.toSet()));
		Set<String> holders = pages.stream()
			.flatMap((page) -> page.locks().stream())
			.map((lock) -> lock.holder().substring(0, lock.holder().indexOf('@')))
			.collect(Collectors.toSet());
		assertThat(holders).containsExactlyInAnyOrder("orders", "billing");
		held.forEach(LockHandle::unlock);
		assertNoResidue();
	}

	@Test
	void anEmptyBaseIsOneEmptyPageAndACursorNoPageGaveOutIsRefused() {
		ZooKeeperLockManager orders = application("orders");
		assertThat(orders.backendLocks(null, 10)).isEqualTo(new HeldLocksPage(List.of(), null));
		String notAnEncodedKey = Base64.getUrlEncoder().encodeToString("a b".getBytes(StandardCharsets.UTF_8));
		for (String cursor : List.of("node/7", "", notAnEncodedKey)) {
			assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> orders.backendLocks(cursor, 10))
				.withMessage("Cursor '" + cursor + "' is not one a page of ZooKeeper locks gave out");
		}
	}

	@Test
	void aForcedReleaseByAnotherManagerFreesTheLockAtOnceAndTheEvictedHolderLearnsItAtItsRenewal()
			throws Exception {
		ZooKeeperLockManager orders = application("orders");
		ZooKeeperLockManager billing = application("billing");
		LockHandle evicted = orders.acquire(LockRequest.of("report", TTL).withName("reports"));

		HeldLock released = billing.forceRelease("report");
		long releasedAt = System.nanoTime();
		assertThat(released).isNotNull();
		assertThat(released.key()).isEqualTo("report");
		assertThat(released.name()).isEqualTo("reports");
		assertThat(released.holder()).startsWith("orders@").endsWith(PID);
		assertThat(released.fencingToken()).isEqualTo(evicted.fencingToken());
		assertThat(released.waiters()).isZero();
		LockHandle next = billing.acquire(LockRequest.of("report", TTL));
		assertThat(next.fencingToken()).as("the next holder's token, at once").isGreaterThan(evicted.fencingToken());

		LockLostException lost = evicted.leaseLost()
			.get(RENEWAL_INTERVAL.plusSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
		assertThat(Duration.ofNanos(System.nanoTime() - releasedAt)).as("heard within about a renewal interval")
			.isLessThan(RENEWAL_INTERVAL.plusSeconds(1));
		assertThat(lost.getMessage()).contains("report").contains("an operator released the lock by force");
		assertThat(evicted.isHeld()).isFalse();
		evicted.unlock();
		assertThat(next.isHeld()).as("the next holder, after the evicted holder's unlock()").isTrue();
		assertThat(locksByKey(orders).get("report").fencingToken()).isEqualTo(next.fencingToken());
		assertThatExceptionOfType(LockNotAcquiredException.class).as("the evicted application, acquiring again")
			.isThrownBy(() -> orders.acquire(LockRequest.of("report", TTL)));

		next.unlock();
		assertThat(orders.forceRelease("report")).as("a lock nothing holds").isNull();
		assertNoResidue();
		assertThat(orders.activeKeys()).isZero();
		assertThat(billing.activeKeys()).isZero();
	}

	@Test
	void aForcedReleaseWakesTheWaiterOfAnotherManagerAndTheHolderOfTheReleasingOneHearsAtOnce() throws Exception {
		ZooKeeperLockManager orders = application("orders");
		ZooKeeperLockManager billing = application("billing");
		LockHandle evicted = orders.acquire(LockRequest.of("report", TTL));
		LockHandle waiting = billing.lock(LockRequest.of("report", TTL).withWaitTime(Duration.ofSeconds(20)));
		await().atMost(Duration.ofSeconds(5)).until(() -> locksByKey(orders).get("report").waiters() == 1);

		HeldLock released = orders.forceRelease("report");
		assertThat(released).isNotNull();
		assertThat(released.waiters()).isEqualTo(1);
		assertThat(evicted.leaseLost().get(1, TimeUnit.SECONDS).getMessage()).as("a holder of the same process")
			.contains("an operator released the lock by force");
		assertThat(waiting.result().get(5, TimeUnit.SECONDS).acquired()).as("the waiter, woken").isTrue();
		assertThat(waiting.fencingToken()).isGreaterThan(evicted.fencingToken());

		evicted.unlock();
		assertThat(waiting.isHeld()).isTrue();
		waiting.unlock();
		assertNoResidue();
		assertThat(orders.activeKeys()).isZero();
		assertThat(billing.activeKeys()).isZero();
	}

	private static Map<String, HeldLock> locksByKey(ZooKeeperLockManager manager) {
		return byKey(manager.backendLocks(null, 100).locks());
	}

	private static Map<String, HeldLock> byKey(List<HeldLock> locks) {
		return locks.stream().collect(Collectors.toMap(HeldLock::key, Function.identity()));
	}

	/**
	 * Asserts that no lock node is left at once, and no key's container once the server's sweep ran.
	 */
	private static void assertNoResidue() throws Exception {
		assertThat(zookeeper.lockNodes(BASE)).as("lock nodes").isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> zookeeper.children(BASE).isEmpty());
	}

}
