package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@link RedisLockManager} leaves nothing behind, in Redis or in the JVM.
 */
class ResidueIntegrationTests {

	private static final int KEYS = 100_000;

	private static final int THREADS = 8;

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@Test
	void distinctKeysReleasedOrExpiredLeaveNothingBehind() throws Exception {
		RedisServer server = redis.server();
		server.flushAll();
		try (TestRedis.Manager manager = TestRedis.Manager.start(server.host(), server.port())) {
			RedisLockManager locks = manager.locks();
			inParallel((key) -> locks.acquire(LockRequest.of("released:" + key, Duration.ofSeconds(30))).unlock());
			assertThat(server.lockKeyCount()).isZero();
			assertThat(server.dbSize()).as("keys left: the one fencing floor of a standalone server").isOne();
			assertThat(locks.activeKeys()).isZero();

			List<LockHandle> expiring = new ArrayList<>();
			inParallel((key) -> {
				// A wait lets a grant that comes back after its ttl, on a busy machine, be taken again.
				LockHandle handle = locks.acquire(LockRequest.of("expired:" + key, Duration.ofSeconds(1))
					.withAutoRenew(false)
					.withWaitTime(Duration.ofSeconds(10)));
				synchronized (expiring) {
					expiring.add(handle);
				}
			});
			// Each was acquired (acquire throws otherwise); the early ones may have expired already.
			assertThat(expiring).hasSize(KEYS);
			assertThat(server.lockKeyCount()).isPositive();
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while ((server.lockKeyCount() > 0 || locks.activeKeys() > 0) && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			assertThat(server.lockKeyCount()).isZero();
			assertThat(locks.activeKeys()).isZero();
			assertThat(expiring).noneMatch(LockHandle::isHeld);
		}
	}

	private static void inParallel(KeyTask task) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int offset = t;
				futures.add(executor.submit(() -> {
					for (int key = offset; key < KEYS; key += THREADS) {
						task.run(key);
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			executor.shutdown();
		}
	}

	@FunctionalInterface
	private interface KeyTask {

		void run(int key) throws Exception;

	}

}
