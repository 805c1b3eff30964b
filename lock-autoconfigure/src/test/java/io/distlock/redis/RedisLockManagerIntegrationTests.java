package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RedisLockManager} against a real redis-server.
 */
class RedisLockManagerIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	final LockFixture fixture = new LockFixture(redis);

	@Test
	void acquiresAndReleasesLeavingNothingBehind() {
		RedisLockManager locks = this.fixture.manager();
		LockHandle handle = locks.lock("orders:1", Duration.ofSeconds(5));
		LockResult result = handle.await();
		assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(handle.isHeld()).isTrue();
		assertThat(handle.fencingToken()).isEqualTo(result.fencingToken()).isPositive();
		assertThat(this.fixture.jedis().exists("lock:orders:1")).isTrue();
		assertThat(this.fixture.jedis().pttl("lock:orders:1")).isBetween(1L, 5000L);
		handle.unlock();
		assertThat(handle.isHeld()).isFalse();
		assertThat(handle.leaseLost()).isNotDone();
		assertThat(this.fixture.lockKeyCount()).isZero();
		assertThat(locks.activeKeys()).isZero();
	}

	@Test
	void fencingTokensIncreaseAcrossHoldersAndAfterTheKeyExpired() throws Exception {
		RedisLockManager first = this.fixture.manager();
		RedisLockManager second = this.fixture.manager();
		long previous = FencingChecks.tokensIncreaseAcrossHolders(first, second, "fenced");
		LockHandle expiring = first.acquire(LockRequest.of("fenced", Duration.ofMillis(100)).withAutoRenew(false));
		assertThat(expiring.fencingToken()).isGreaterThan(previous);
		Thread.sleep(250);
		assertThat(this.fixture.jedis().exists("lock:fenced")).isFalse();
		try (LockHandle after = second.acquire(LockRequest.of("fenced", Duration.ofSeconds(5)))) {
			assertThat(after.fencingToken()).isGreaterThan(expiring.fencingToken());
		}
	}

	@Test
	void tryOnceTimesOutWhileAnotherProcessHolds() {
		RedisLockManager holder = this.fixture.manager();
		RedisLockManager other = this.fixture.manager();
		try (LockHandle held = holder.acquire(LockRequest.of("busy", Duration.ofSeconds(5)))) {
			LockResult result = other.lock("busy", Duration.ofSeconds(5), Duration.ZERO).await();
			assertThat(result.status()).isEqualTo(LockStatus.TIMED_OUT);
			assertThat(result.fencingToken()).isEqualTo(-1);
			LockResult waited = other.lock("busy", Duration.ofSeconds(5), Duration.ofMillis(300)).await();
			assertThat(waited.status()).isEqualTo(LockStatus.TIMED_OUT);
			assertThat(waited.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		}
	}

	@Test
	void waiterInAnotherProcessAcquiresWhenTheHolderReleases() {
		RedisLockManager holder = this.fixture.manager();
		RedisLockManager other = this.fixture.manager();
		LockHandle held = holder.acquire(LockRequest.of("handover", Duration.ofSeconds(30)));
		LockHandle waiting = other.lock("handover", Duration.ofSeconds(30), Duration.ofSeconds(20));
		assertThat(waiting.result()).isNotDone();
		held.unlock();
		LockResult result = waiting.await();
		assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(result.fencingToken()).isGreaterThan(held.fencingToken());
		// The lease was renewed from ttl 30s, so only a release notification or a retry can explain this.
		assertThat(result.waited()).isLessThan(Duration.ofSeconds(5));
		waiting.unlock();
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void expiredHandleCannotReleaseOrRenewTheNewOwnersLock() throws Exception {
		RedisLockManager first = this.fixture.manager();
		RedisLockManager second = this.fixture.manager();
		LockHandle stale = first.acquire(LockRequest.of("owner", Duration.ofMillis(150)).withAutoRenew(false));
		Thread.sleep(300);
		assertThat(stale.isHeld()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(stale::assertHeld);
		LockHandle current = second.acquire(LockRequest.of("owner", Duration.ofSeconds(10)));
		String owner = this.fixture.jedis().hget("lock:owner", "o");
		stale.unlock();
		stale.unlockAfter(Duration.ofSeconds(60));
		assertThat(this.fixture.jedis().hget("lock:owner", "o")).isEqualTo(owner);
		assertThat(this.fixture.jedis().pttl("lock:owner")).isGreaterThan(5000L);
		assertThat(current.isHeld()).isTrue();
		current.unlock();
	}

	@Test
	void renewalKeepsTheLeaseBeyondItsTtlUntilUnlock() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		LockHandle handle = locks.acquire(LockRequest.of("renewed", Duration.ofMillis(300)));
		Thread.sleep(1200);
		assertThat(handle.isHeld()).isTrue();
		assertThat(this.fixture.jedis().pttl("lock:renewed")).isPositive();
		handle.unlock();
		Thread.sleep(400);
		assertThat(this.fixture.jedis().exists("lock:renewed")).isFalse();
	}

	@Test
	void refusedRenewalMarksTheLeaseLostAndReportsItOnce() throws Exception {
		CountingListener listener = new CountingListener();
		RedisLockManager locks = this.fixture.manager(LockSettings.DEFAULTS, listener);
		LockHandle handle = locks.acquire(LockRequest.of("deleted", Duration.ofMillis(300)));
		this.fixture.jedis().del("lock:deleted");
		Thread.sleep(500);
		assertThat(handle.isHeld()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(handle::assertHeld)
			.withMessageContaining("lost");
		assertThat(listener.lost()).isEqualTo(1);
		assertThat(handle.leaseLost()).isCompletedWithValueMatching((loss) -> loss.getMessage().contains("refused"));
		handle.unlock();
		assertThat(listener.lost()).isEqualTo(1);
		assertThat(listener.released()).isEqualTo(1);
	}

	@Test
	void leaseWithoutRenewalIsReportedLostWhenItRunsOut() throws Exception {
		CountingListener listener = new CountingListener();
		RedisLockManager locks = this.fixture.manager(LockSettings.DEFAULTS, listener);
		LockHandle handle = locks.acquire(LockRequest.of("short", Duration.ofMillis(150)).withAutoRenew(false));
		Thread.sleep(300);
		assertThat(handle.isHeld()).isFalse();
		assertThat(listener.lost()).isEqualTo(1);
		assertThat(locks.activeKeys()).isZero();
	}

	@Test
	void localWaitersQueueInFifoOrderAndTheExcessIsRejectedAtOnce() throws Exception {
		RedisLockManager locks = this.fixture.manager(LockSettings.DEFAULTS.withMaxWaitersPerKey(3), LockListener.NO_OP);
		LockHandle holder = locks.acquire(LockRequest.of("fifo", Duration.ofSeconds(10)));
		List<Integer> order = new CopyOnWriteArrayList<>();
		List<LockHandle> waiters = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			LockHandle waiter = locks.lock("fifo", Duration.ofSeconds(10), Duration.ofSeconds(10));
			int position = i;
			waiter.result().thenAccept((result) -> {
				order.add(position);
				waiter.unlock();
			});
			waiters.add(waiter);
		}
		LockResult rejected = locks.lock("fifo", Duration.ofSeconds(10), Duration.ofSeconds(10)).await();
		assertThat(rejected.status()).isEqualTo(LockStatus.REJECTED);
		assertThat(rejected.waited()).isLessThan(Duration.ofSeconds(1));
		holder.unlock();
		for (LockHandle waiter : waiters) {
			assertThat(waiter.await().status()).isEqualTo(LockStatus.ACQUIRED);
		}
		assertThat(order).containsExactly(0, 1, 2);
		assertThat(this.fixture.lockKeyCount()).isZero();
		assertThat(locks.activeKeys()).isZero();
	}

	@Test
	void handOffToALocalWaiterThroughRedisGivesAHigherFencingToken() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		LockHandle holder = locks.acquire(LockRequest.of("handoff", Duration.ofSeconds(10)));
		LockHandle next = locks.lock("handoff", Duration.ofSeconds(10), Duration.ofSeconds(10));
		// Past the in-memory hand-off window, the release script hands the lock over.
		Thread.sleep(LockSettings.DEFAULTS.localHandOffWindow().toMillis() * 5);
		holder.unlock();
		assertThat(next.await().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(next.fencingToken()).isGreaterThan(holder.fencingToken());
		assertThat(this.fixture.jedis().hget("lock:handoff", "f")).isEqualTo(Long.toString(next.fencingToken()));
		next.unlock();
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void cancelEndsAWaitingRequestAndReleasesAHeldOne() {
		RedisLockManager locks = this.fixture.manager();
		LockHandle holder = locks.acquire(LockRequest.of("cancel", Duration.ofSeconds(10)));
		LockHandle waiting = locks.lock("cancel", Duration.ofSeconds(10), Duration.ofSeconds(10));
		waiting.cancel();
		assertThat(waiting.await().status()).isEqualTo(LockStatus.CANCELLED);
		holder.cancel();
		assertThat(holder.isHeld()).isFalse();
		assertThat(this.fixture.lockKeyCount()).isZero();
		assertThat(locks.activeKeys()).isZero();
	}

	@Test
	void interruptingAWaitingThreadCancelsItsRequest() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		LockHandle holder = locks.acquire(LockRequest.of("interrupt", Duration.ofSeconds(10)));
		CompletableFuture<LockResult> outcome = new CompletableFuture<>();
		CountDownLatch waiting = new CountDownLatch(1);
		Thread thread = new Thread(() -> {
			LockHandle handle = locks.lock("interrupt", Duration.ofSeconds(10), Duration.ofSeconds(30));
			waiting.countDown();
			outcome.complete(handle.await());
		});
		thread.start();
		waiting.await();
		Thread.sleep(100);
		thread.interrupt();
		assertThat(outcome.get(5, TimeUnit.SECONDS).status()).isEqualTo(LockStatus.CANCELLED);
		holder.unlock();
		assertThat(locks.activeKeys()).isZero();
	}

	@Test
	void closeCancelsWaitersAndReleasesHeldLocks() {
		RedisLockManager locks = this.fixture.manager();
		LockHandle holder = locks.acquire(LockRequest.of("close", Duration.ofSeconds(10)));
		LockHandle waiting = locks.lock("close", Duration.ofSeconds(10), Duration.ofSeconds(10));
		locks.close();
		assertThat(waiting.await().status()).isEqualTo(LockStatus.CANCELLED);
		assertThat(holder.isHeld()).isFalse();
		assertThat(this.fixture.lockKeyCount()).isZero();
		assertThat(locks.lock("close", Duration.ofSeconds(1)).await().status()).isEqualTo(LockStatus.CANCELLED);
	}

	@Test
	void unlockAfterKeepsTheLeaseForTheDelayOnly() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		LockHandle handle = locks.acquire(LockRequest.of("minimum", Duration.ofSeconds(30)));
		handle.unlockAfter(Duration.ofMillis(400));
		assertThat(handle.isHeld()).isFalse();
		assertThat(this.fixture.jedis().pttl("lock:minimum")).isBetween(1L, 400L);
		assertThat(this.fixture.manager().lock("minimum", Duration.ofSeconds(1), Duration.ZERO).await().status())
			.isEqualTo(LockStatus.TIMED_OUT);
		Thread.sleep(600);
		assertThat(this.fixture.jedis().exists("lock:minimum")).isFalse();
	}

	@Test
	void scriptFlushNeverReachesTheCaller() {
		RedisLockManager locks = this.fixture.manager();
		for (int i = 0; i < 5; i++) {
			redis.server().scriptFlush();
			try (LockHandle handle = locks.acquire(LockRequest.of("flushed", Duration.ofSeconds(5)))) {
				assertThat(handle.isHeld()).isTrue();
				redis.server().scriptFlush();
			}
		}
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void keysAreIsolatedWhateverCharactersTheyContain() {
		RedisLockManager locks = this.fixture.manager();
		List<String> keys = List.of("a{b}c", "{", "}", "a:b:c", "ключ-🔒", "x".repeat(LockRequest.MAX_KEY_LENGTH));
		List<LockHandle> handles = new ArrayList<>();
		for (String key : keys) {
			handles.add(locks.acquire(LockRequest.of(key, Duration.ofSeconds(5))));
		}
		assertThat(this.fixture.lockKeyCount()).isEqualTo(keys.size());
		handles.forEach(LockHandle::unlock);
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void showsWhatThisProcessHoldsAndWaitsFor() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		LockHandle holder = locks.acquire(LockRequest.of("shown", Duration.ofMillis(300)).withName("report"));
		LockHandle first = locks.lock("shown", Duration.ofSeconds(5), Duration.ofSeconds(10));
		LockHandle second = locks.lock("shown", Duration.ofSeconds(5), Duration.ofSeconds(10));
		Thread.sleep(250);
		assertThat(locks.localLocks()).singleElement().satisfies((state) -> {
			assertThat(state.key()).isEqualTo("shown");
			assertThat(state.name()).isEqualTo("report");
			assertThat(state.held()).isTrue();
			assertThat(state.fencingToken()).isEqualTo(holder.fencingToken());
			assertThat(state.heldSince()).isNotNull();
			assertThat(state.leaseRemaining()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(300));
			assertThat(state.renewals()).isPositive();
			assertThat(state.waiting()).isEqualTo(2);
		});
		holder.unlock();
		first.await();
		first.unlock();
		second.await();
		second.unlock();
		assertThat(locks.localLocks()).isEmpty();
	}

	@Test
	void requestsRacingCloseAllEndWithinTheirBound() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		ExecutorService callers = Executors.newFixedThreadPool(4);
		try {
			List<Future<LockResult>> results = new ArrayList<>();
			for (int i = 0; i < 400; i++) {
				String key = "race:" + (i % 5);
				results.add(callers.submit(() -> {
					LockHandle handle = locks.lock(key, Duration.ofSeconds(5), Duration.ofSeconds(2));
					LockResult result = handle.await();
					handle.unlock();
					return result;
				}));
			}
			Thread.sleep(20);
			locks.close();
			for (Future<LockResult> result : results) {
				assertThat(result.get(5, TimeUnit.SECONDS).status()).isIn(LockStatus.ACQUIRED, LockStatus.CANCELLED);
			}
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void aProcessThatStopsWaitingWithdrawsItsWaitSoTheReleaseFreesTheKey() throws Exception {
		RedisLockManager holder = this.fixture.manager();
		RedisLockManager waiter = this.fixture.manager();
		LockHandle held = holder.acquire(LockRequest.of("withdrawn", Duration.ofSeconds(10)));
		LockHandle waiting = waiter.lock("withdrawn", Duration.ofSeconds(10), Duration.ofSeconds(60));
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (this.fixture.jedis().hkeys("lock:withdrawn").stream().noneMatch((field) -> field.startsWith("w:"))) {
			assertThat(System.nanoTime() - deadline).as("waiter recorded").isNegative();
			Thread.sleep(10);
		}
		waiting.cancel();
		while (this.fixture.jedis().hkeys("lock:withdrawn").stream().anyMatch((field) -> field.startsWith("w:"))) {
			assertThat(System.nanoTime() - deadline).as("waiter withdrawn").isNegative();
			Thread.sleep(10);
		}
		held.unlock();
		// No waiter left to reserve the lock for: the release deletes the key at once.
		assertThat(this.fixture.jedis().exists("lock:withdrawn")).isFalse();
	}

}
