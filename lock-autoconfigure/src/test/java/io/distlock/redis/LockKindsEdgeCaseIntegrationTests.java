package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.LockHandle;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.core.spi.AcquireOutcome;
import io.distlock.core.spi.LockBackend;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Edge cases of shared locks and permits against a real redis-server, each one a case the
 * scripts once got wrong: a writer that gave up, a writer whose lease is shorter than its
 * back-off, and keys with thousands of holders.
 */
class LockKindsEdgeCaseIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	final LockFixture fixture = new LockFixture(redis);

	/**
	 * A mutex waiting behind a share sets W, which holds new shares back; once it is cancelled and
	 * no other writer waits, W goes with its mark (abandon.lua), and new shares are granted.
	 */
	@Test
	void aCancelledWriterNoLongerHoldsBackNewShares() throws Exception {
		RedisLockManager readers = this.fixture.manager();
		RedisLockManager writers = this.fixture.manager();
		RedisLockManager lateReaders = this.fixture.manager();
		LockHandle share = readers.acquire(request("cancelled-writer").withMode(LockMode.SHARED));
		LockHandle writer = writers.lock(request("cancelled-writer").withWaitTime(Duration.ofSeconds(20)));
		Thread.sleep(300);
		assertThat(writer.isHeld()).isFalse();
		writer.cancel();
		assertThat(writer.await().status()).isEqualTo(LockStatus.CANCELLED);
		Thread.sleep(300);
		LockResult late = lateReaders
			.lock(request("cancelled-writer").withMode(LockMode.SHARED).withWaitTime(Duration.ofSeconds(3)))
			.await();
		assertThat(late.status()).as("no mutex waits any more, so a share is granted beside the held one")
			.isEqualTo(LockStatus.ACQUIRED);
		share.unlock();
	}

	/**
	 * W lasts the lesser of the writer's wait and its lease, so the writer must retry before it
	 * lapses, also when that is sooner than its back-off or the shares' leases: else new shares
	 * would overtake it between retries again and again.
	 */
	@Test
	void aWriterWithALeaseShorterThanItsBackOffIsNotStarvedByReaders() throws Exception {
		RedisLockManager readersProcess = this.fixture.manager();
		RedisLockManager writerProcess = this.fixture.manager();
		AtomicBoolean stop = new AtomicBoolean();
		ExecutorService readers = Executors.newFixedThreadPool(4);
		LockRequest read = request("short-writer").withMode(LockMode.SHARED);
		List<Future<?>> running = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			int stagger = i * 250;
			running.add(readers.submit(() -> {
				Thread.sleep(stagger);
				while (!stop.get()) {
					try (LockHandle handle = readersProcess.acquire(read)) {
						Thread.sleep(1000);
					}
				}
				return null;
			}));
		}
		try {
			Thread.sleep(1200);
			LockHandle writer = writerProcess.lock(
					LockRequest.of("short-writer", Duration.ofMillis(200)).withWaitTime(Duration.ofSeconds(8)));
			LockResult result = writer.await();
			assertThat(result.status()).as("the writer must get in once the readers it found are done")
				.isEqualTo(LockStatus.ACQUIRED);
			writer.unlock();
		}
		finally {
			stop.set(true);
			for (Future<?> reader : running) {
				reader.get(20, TimeUnit.SECONDS);
			}
			readers.shutdown();
		}
	}

	/**
	 * Lua unpacks fewer than 8000 values at once, so the scripts delete holders in chunks: an
	 * operator can release a key of 8000 holders. The holders are
	 * written as acquire_shared.lua writes them (8000 real grants take half a minute, each call
	 * reading the whole hash); one is a real grant.
	 */
	@Test
	void anOperatorCanReleaseAKeyWithEightThousandPermitHolders() {
		RedisLockBackend backend = this.fixture.backend();
		AcquireOutcome real = backend.tryAcquire(permit("crowded", "real-holder"), Duration.ofSeconds(1));
		assertThat(real.acquired()).isTrue();
		addHolders("crowded", 8000, System.currentTimeMillis() + 60_000, real.fencingToken());
		assertThatCode(() -> backend.forceRelease("crowded")).doesNotThrowAnyException();
		assertThat(this.fixture.jedis().hlen("lock:crowded")).isLessThan(8000);
	}

	/**
	 * 8000 holders that died (a large process killed) beside one that still renews are dropped in
	 * chunks, so acquisitions of the key go on working while the live one holds.
	 */
	@Test
	void eightThousandCrashedPermitHoldersDoNotBreakTheKey() {
		RedisLockBackend backend = this.fixture.backend();
		AcquireOutcome live = backend.tryAcquire(permit("crashed-crowd", "still-renewing"), Duration.ofSeconds(1));
		assertThat(live.acquired()).isTrue();
		addHolders("crashed-crowd", 8000, System.currentTimeMillis() - 1000, live.fencingToken() - 1);
		assertThat(backend.renew("crashed-crowd", "still-renewing", Duration.ofSeconds(30))).isTrue();
		assertThatCode(() -> backend.tryAcquire(permit("crashed-crowd", "newcomer"), Duration.ofSeconds(1)))
			.as("a permit request").doesNotThrowAnyException();
		assertThatCode(() -> backend.tryAcquire(new LockBackend.Attempt("crashed-crowd", "writer", TTL, "unnamed"),
				Duration.ofSeconds(1)))
			.as("a mutex request")
			.doesNotThrowAnyException();
	}

	/** Holder fields as acquire_shared.lua writes them: p:owner = '<until ms>:<token>', and c. */
	private void addHolders(String key, int count, long untilMillis, long token) {
		Map<String, String> fields = new HashMap<>();
		for (int i = 0; i < count; i++) {
			fields.put("p:holder-" + i, untilMillis + ":" + token);
		}
		String redisKey = "lock:" + key;
		this.fixture.jedis().hset(redisKey, fields);
		this.fixture.jedis().hset(redisKey, "c", Long.toString(this.fixture.jedis().hlen(redisKey) - 3));
	}

	private static LockBackend.Attempt permit(String key, String owner) {
		return new LockBackend.Attempt(key, owner, Duration.ofMinutes(1), "unnamed", LockMode.EXCLUSIVE, 100_000);
	}

	private static LockRequest request(String key) {
		return LockRequest.of(key, TTL).withWaitTime(Duration.ofSeconds(10));
	}

}
