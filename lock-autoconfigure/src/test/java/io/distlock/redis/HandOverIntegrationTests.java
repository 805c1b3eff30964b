package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.core.LockSettings;
import io.distlock.core.LockStatus;
import io.distlock.core.spi.AcquireOutcome;
import io.distlock.core.spi.ReleaseOutcome;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how a released lock changes hands: in memory within a process (fencing tokens still
 * increasing across processes) and by reservation for the process that has waited longest.
 */
class HandOverIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	final LockFixture fixture = new LockFixture(redis);

	@Test
	void aWaiterForTheSameLeaseTakesItInMemoryWithTheNextToken() {
		RedisLockManager locks = this.fixture.manager(LockSettings.DEFAULTS.withLocalHandOffs(Duration.ofSeconds(5), 32));
		LockHandle holder = locks.acquire(LockRequest.of("memory", Duration.ofSeconds(10)));
		LockHandle next = locks.lock("memory", Duration.ofSeconds(10), Duration.ofSeconds(10));
		String leaseOwner = this.fixture.jedis().hget("lock:memory", "o");
		long callsBefore = this.fixture.scriptCalls();
		holder.unlock();
		assertThat(next.await().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(this.fixture.scriptCalls()).isEqualTo(callsBefore);
		assertThat(next.fencingToken()).isEqualTo(holder.fencingToken() + 1);
		assertThat(next.isHeld()).isTrue();
		assertThat(this.fixture.jedis().hget("lock:memory", "o")).isEqualTo(leaseOwner);
		next.unlock();
		assertThat(this.fixture.lockKeyCount()).isZero();
		assertThat(locks.activeKeys()).isZero();
	}

	@Test
	void aWaiterForAnotherTtlOrPastTheWindowGetsItThroughRedis() throws Exception {
		RedisLockManager locks = this.fixture.manager(LockSettings.DEFAULTS.withLocalHandOffs(Duration.ofMillis(50), 32));
		LockHandle holder = locks.acquire(LockRequest.of("redis", Duration.ofSeconds(10)));
		LockHandle otherTtl = locks.lock("redis", Duration.ofSeconds(20), Duration.ofSeconds(10));
		LockHandle late = locks.lock("redis", Duration.ofSeconds(20), Duration.ofSeconds(10));
		holder.unlock();
		assertThat(otherTtl.await().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(this.fixture.jedis().hget("lock:redis", "f")).isEqualTo(Long.toString(otherTtl.fencingToken()));
		Thread.sleep(150);
		otherTtl.unlock();
		assertThat(late.await().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(late.fencingToken()).isGreaterThan(otherTtl.fencingToken());
		assertThat(this.fixture.jedis().hget("lock:redis", "f")).isEqualTo(Long.toString(late.fencingToken()));
		late.unlock();
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void turnedOffEveryHandOffGoesThroughRedis() {
		RedisLockManager locks = this.fixture.manager(LockSettings.DEFAULTS.withLocalHandOffs(Duration.ZERO, 32));
		LockHandle holder = locks.acquire(LockRequest.of("off", Duration.ofSeconds(10)));
		LockHandle next = locks.lock("off", Duration.ofSeconds(10), Duration.ofSeconds(10));
		holder.unlock();
		assertThat(next.await().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(this.fixture.jedis().hget("lock:off", "o")).isNotNull();
		assertThat(this.fixture.jedis().hget("lock:off", "f")).isEqualTo(Long.toString(next.fencingToken()));
		next.unlock();
	}

	@Test
	void aLeaseIsHandedOnInMemoryAtMostTheConfiguredNumberOfTimes() {
		RedisLockManager locks = this.fixture.manager(LockSettings.DEFAULTS.withLocalHandOffs(Duration.ofSeconds(5), 2));
		LockHandle first = locks.acquire(LockRequest.of("bounded", Duration.ofSeconds(10)));
		List<LockHandle> waiters = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			waiters.add(locks.lock("bounded", Duration.ofSeconds(10), Duration.ofSeconds(10)));
		}
		first.unlock();
		long previous = first.fencingToken();
		List<Long> steps = new ArrayList<>();
		for (LockHandle waiter : waiters) {
			assertThat(waiter.await().status()).isEqualTo(LockStatus.ACQUIRED);
			steps.add(waiter.fencingToken() - previous);
			previous = waiter.fencingToken();
			waiter.unlock();
		}
		assertThat(steps.subList(0, 2)).containsExactly(1L, 1L);
		assertThat(steps.get(2)).isGreaterThan(1L);
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void aReleasedTokenAheadOfTheKeysRaisesTheFencingFloorAndLeavesNoLockKey() {
		RedisLockBackend backend = this.fixture.backend();
		AcquireOutcome first = backend.tryAcquire("ahead", "a", Duration.ofSeconds(10), Duration.ZERO);
		long ahead = first.fencingToken() + 2_000_000;
		assertThat(backend.release("ahead", "a", ahead, null)).isEqualTo(ReleaseOutcome.RELEASED);
		assertThat(this.fixture.lockKeyCount()).isZero();
		assertThat(Long.parseLong(this.fixture.jedis().get("lock:__distlock__:floor"))).isEqualTo(ahead);
		AcquireOutcome second = backend.tryAcquire("ahead", "b", Duration.ofSeconds(10), Duration.ZERO);
		assertThat(second.fencingToken()).isGreaterThan(ahead);
		assertThat(backend.release("ahead", "b", second.fencingToken(), null)).isEqualTo(ReleaseOutcome.RELEASED);
		AcquireOutcome third = backend.tryAcquire("ahead", "c", Duration.ofSeconds(10), Duration.ZERO);
		assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
		backend.release("ahead", "c", third.fencingToken(), null);
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void aReleaseReservesTheLockForTheProcessThatHasWaitedLongest() throws Exception {
		RedisLockBackend holder = this.fixture.backend();
		RedisLockBackend first = this.fixture.backend();
		RedisLockBackend second = this.fixture.backend();
		Duration ttl = Duration.ofSeconds(10);
		Duration wait = Duration.ofSeconds(10);
		long token = holder.tryAcquire("turns", "h", ttl, wait).fencingToken();
		assertThat(first.tryAcquire("turns", "f1", ttl, wait).acquired()).isFalse();
		Thread.sleep(5);
		assertThat(second.tryAcquire("turns", "s1", ttl, wait).acquired()).isFalse();
		Thread.sleep(5);
		// Waiting again does not move a process back in line.
		assertThat(first.tryAcquire("turns", "f2", ttl, wait).acquired()).isFalse();
		assertThat(holder.release("turns", "h", token, null)).isEqualTo(ReleaseOutcome.RELEASED);
		AcquireOutcome refused = second.tryAcquire("turns", "s2", ttl, wait);
		assertThat(refused.acquired()).isFalse();
		assertThat(refused.retryAfter()).isBetween(Duration.ofMillis(1), Duration.ofMillis(50));
		assertThat(holder.tryAcquire("turns", "h2", ttl, wait).acquired()).isFalse();
		AcquireOutcome taken = first.tryAcquire("turns", "f3", ttl, wait);
		assertThat(taken.fencingToken()).isGreaterThan(token);
		assertThat(first.release("turns", "f3", taken.fencingToken(), null)).isEqualTo(ReleaseOutcome.RELEASED);
		// Now the second process has waited longest (the holder's mark is younger).
		assertThat(holder.tryAcquire("turns", "h3", ttl, wait).acquired()).isFalse();
		AcquireOutcome next = second.tryAcquire("turns", "s3", ttl, wait);
		assertThat(next.fencingToken()).isGreaterThan(taken.fencingToken());
		second.release("turns", "s3", next.fencingToken(), null);
	}

	@Test
	void aProcessThatGivesUpWaitingGivesUpItsReservation() {
		RedisLockBackend holder = this.fixture.backend();
		RedisLockBackend waiter = this.fixture.backend();
		RedisLockBackend other = this.fixture.backend();
		Duration ttl = Duration.ofSeconds(10);
		long token = holder.tryAcquire("gone", "h", ttl, ttl).fencingToken();
		assertThat(waiter.tryAcquire("gone", "w", ttl, ttl).acquired()).isFalse();
		holder.release("gone", "h", token, null);
		assertThat(other.tryAcquire("gone", "o1", ttl, Duration.ZERO).acquired()).isFalse();
		waiter.abandon("gone");
		AcquireOutcome taken = other.tryAcquire("gone", "o2", ttl, Duration.ZERO);
		assertThat(taken.acquired()).isTrue();
		other.release("gone", "o2", taken.fencingToken(), null);
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void twoProcessesOfEightThreadsNeverOverlapAndTokensOnlyGrow() throws Exception {
		List<RedisLockManager> processes = List.of(this.fixture.manager(LockSettings.DEFAULTS), this.fixture.manager(LockSettings.DEFAULTS));
		AtomicInteger occupancy = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger tokenRegressions = new AtomicInteger();
		AtomicLong lastToken = new AtomicLong();
		AtomicInteger acquisitions = new AtomicInteger();
		long callsBefore = this.fixture.scriptCalls();
		ExecutorService threads = Executors.newFixedThreadPool(16);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				RedisLockManager locks = processes.get(t % 2);
				done.add(threads.submit(() -> {
					for (int i = 0; i < 150; i++) {
						try (LockHandle handle = locks.acquire(LockRequest.of("shared", Duration.ofSeconds(10))
								.withWaitTime(Duration.ofSeconds(30)))) {
							if (occupancy.incrementAndGet() != 1) {
								overlaps.incrementAndGet();
							}
							if (handle.fencingToken() <= lastToken.get()) {
								tokenRegressions.incrementAndGet();
							}
							lastToken.set(handle.fencingToken());
							acquisitions.incrementAndGet();
							occupancy.decrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(overlaps).hasValue(0);
		assertThat(tokenRegressions).hasValue(0);
		assertThat(acquisitions).hasValue(16 * 150);
		// Hand-offs in memory spare the scripts a hand-off through Redis would cost.
		assertThat(this.fixture.scriptCalls() - callsBefore).isLessThan(2L * acquisitions.get());
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

}
