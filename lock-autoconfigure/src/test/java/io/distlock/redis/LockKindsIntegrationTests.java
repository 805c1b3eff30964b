package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.HeldLock;
import io.distlock.core.LockHandle;
import io.distlock.core.LockKindsManagerTests;
import io.distlock.core.LockManager;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.LockSettings;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for shared locks and permits through {@link RedisLockManager} against a real
 * redis-server: several managers stand for several processes, and every concurrency assertion
 * is checked by counters the locks do not use.
 */
class LockKindsIntegrationTests extends LockKindsManagerTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	final LockFixture fixture = new LockFixture(redis);

	@Override
	protected LockManager process() {
		return this.fixture.manager();
	}

	@Override
	protected void assertNoResidue() {
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void theLastShareReleasedWakesAMutexWaitingInTheSameProcessAtOnce() throws Exception {
		// Retries 5 s apart: a grant within a second can only come from the release's notification.
		RedisLockManager process = this.fixture.manager(
				LockSettings.DEFAULTS.withRetryIntervals(Duration.ofSeconds(5), Duration.ofSeconds(5)));
		LockHandle share = process.acquire(request("own-share").withMode(LockMode.SHARED));
		LockHandle writer = process.lock(request("own-share"));
		Thread.sleep(200);
		assertThat(writer.isHeld()).isFalse();
		LockHandle reader = this.fixture.manager().lock(request("own-share").withMode(LockMode.SHARED));
		Thread.sleep(200);
		assertThat(reader.isHeld()).as("a new share waits behind the waiting mutex").isFalse();
		long released = System.nanoTime();
		share.unlock();
		assertThat(writer.result().get(5, TimeUnit.SECONDS).acquired()).isTrue();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released)).isLessThan(1000);
		assertThat(reader.isHeld()).as("still behind the mutex while it holds").isFalse();
		writer.unlock();
		assertThat(reader.await().acquired()).isTrue();
		reader.unlock();
	}

	@Test
	void anUnrenewedShareFreesTheKeyAfterItsTtlAndItsHolderLearnsItLost() throws Exception {
		RedisLockManager crashed = this.fixture.manager();
		RedisLockManager next = this.fixture.manager();
		LockRequest share = LockRequest.of("nightly", Duration.ofMillis(400)).withMode(LockMode.SHARED)
			.withAutoRenew(false);
		LockHandle held = crashed.acquire(share);
		long start = System.nanoTime();
		LockHandle writer = next.lock(request("nightly").withWaitTime(Duration.ofSeconds(3)));
		LockStatus status = writer.await().status();
		long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(status).isEqualTo(LockStatus.ACQUIRED);
		assertThat(waitedMillis).isBetween(300L, 1400L);
		assertThat(held.leaseLost().get(2, TimeUnit.SECONDS)).isNotNull();
		assertThat(held.isHeld()).isFalse();
		held.unlock();
		assertThat(writer.isHeld()).isTrue();
		writer.unlock();
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void renewalKeepsSharesAndPermitsPastTheirTtl() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		// Long enough that a loaded machine's late timer does not lose it, which would leave the key to
		// expire instead of being released.
		LockRequest shortLease = LockRequest.of("renewed", Duration.ofMillis(600));
		try (LockHandle share = locks.acquire(shortLease.withMode(LockMode.SHARED));
				LockHandle permit = locks.acquire(shortLease.withKey("renewed-permit").withPermits(2))) {
			Thread.sleep(1500);
			assertThat(share.isHeld()).isTrue();
			assertThat(permit.isHeld()).isTrue();
			assertThat(this.fixture.manager()
				.lock(shortLease.withWaitTime(Duration.ZERO))
				.await()
				.status()).isEqualTo(LockStatus.TIMED_OUT);
		}
		// The refused mutex's attempt may still be on its way and take the freed key after its caller
		// gave up; its manager then gives it back at once, well before the 600 ms lease would end.
		await().atMost(Duration.ofMillis(400)).until(() -> this.fixture.lockKeyCount() == 0);
	}

	@Test
	void sharesAndPermitsBesideAThousandHoldersAreTakenAndGivenUpWithoutReadingThem() {
		RedisLockManager locks = this.fixture.manager();
		LockRequest share = LockRequest.of("crowd", Duration.ofSeconds(30)).withMode(LockMode.SHARED);
		LockRequest permit = LockRequest.of("crowd-permits", Duration.ofSeconds(30)).withPermits(2000);
		List<LockHandle> crowd = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			crowd.add(locks.acquire(share));
			crowd.add(locks.acquire(permit));
		}
		long holderListsRead = redis.server().commandCalls("hgetall");
		// Shorter leases than the crowd's: releasing the holder whose lease ends last reads them all.
		LockRequest shortShare = LockRequest.of("crowd", Duration.ofSeconds(10)).withMode(LockMode.SHARED);
		LockRequest shortPermit = LockRequest.of("crowd-permits", Duration.ofSeconds(10)).withPermits(2000);
		for (int i = 0; i < 20; i++) {
			try (LockHandle one = locks.acquire(shortShare); LockHandle other = locks.acquire(shortPermit)) {
				assertThat(one.isHeld() && other.isHeld()).isTrue();
			}
		}
		assertThat(redis.server().commandCalls("hgetall")).isEqualTo(holderListsRead);
		assertThat(locks.backendLocks(null, 10).locks()).extracting(HeldLock::key, HeldLock::holders)
			.containsExactlyInAnyOrder(tuple("crowd", 1000), tuple("crowd-permits", 1000));
		crowd.forEach(LockHandle::unlock);
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void theClusterViewShowsTheModeAndHowManyHold() {
		RedisLockManager locks = this.fixture.manager();
		try (LockHandle one = locks.acquire(request("view").withMode(LockMode.SHARED).withName("reports"));
				LockHandle two = locks.acquire(request("view").withMode(LockMode.SHARED).withName("reports"));
				LockHandle permit = locks.acquire(request("view-permits").withPermits(4))) {
			List<HeldLock> held = locks.backendLocks(null, 10).locks();
			assertThat(held).extracting(HeldLock::key, HeldLock::mode, HeldLock::holders)
				.containsExactlyInAnyOrder(tuple("view", HeldLock.SHARED, 2),
						tuple("view-permits", HeldLock.PERMITS, 1));
			assertThat(one.isHeld() && two.isHeld() && permit.isHeld()).isTrue();
		}
	}

	@Test
	void tenThousandSharesAndPermitsLeaveNothingBehind() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		List<LockHandle> held = new ArrayList<>();
		for (int i = 0; i < 5000; i++) {
			held.add(locks.lock(request("residue:s:" + i).withMode(LockMode.SHARED)));
			held.add(locks.lock(LockRequest.of("residue:p:" + i, Duration.ofMillis(300)).withPermits(2)
				.withAutoRenew(false)));
		}
		for (LockHandle handle : held) {
			assertThat(handle.await().acquired()).isTrue();
		}
		for (int i = 0; i < held.size(); i += 2) {
			held.get(i).unlock();
		}
		Thread.sleep(600);
		assertThat(this.fixture.lockKeyCount()).isZero();
		assertThat(locks.activeKeys()).isZero();
	}

}
