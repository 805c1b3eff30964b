package io.distlock.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RedisLockManager} when Redis or its connections fail.
 */
class RedisFailureIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@BeforeEach
	void clean() {
		RedisServer server = redis.server();
		if (!server.isAlive()) {
			server.restart();
		}
		server.flushAll();
	}

	@Test
	void waitersStillAcquireWhenTheSubscriptionIsKilledAndItComesBack() throws Exception {
		RedisServer server = redis.server();
		try (TestRedis.Manager holder = TestRedis.Manager.start(server.host(), server.port());
				TestRedis.Manager waiter = TestRedis.Manager.start(server.host(), server.port());
				Jedis jedis = server.jedis()) {
			LockHandle held = holder.locks().acquire(LockRequest.of("wake", Duration.ofSeconds(30)));
			LockHandle waiting = waiter.locks().lock("wake", Duration.ofSeconds(30), Duration.ofSeconds(10));
			awaitSubscribers(jedis, "lock:wake", 1);
			assertThat(server.killClients("pubsub")).isGreaterThanOrEqualTo(2);
			held.unlock();
			LockResult result = waiting.await();
			assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
			awaitSubscribers(jedis, "lock:wake", 1);
			waiting.unlock();
		}
	}

	private static void awaitSubscribers(Jedis jedis, String channel, long expected) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (jedis.pubsubNumSub(channel).get(channel) < expected) {
			assertThat(System.nanoTime() - deadline).as("subscribers of " + channel).isNegative();
			Thread.sleep(10);
		}
	}

	@Test
	void redisDownFailsWithinTheBoundThenServiceResumes() throws Exception {
		RedisServer server = redis.server();
		try (TestRedis.Manager manager = TestRedis.Manager.start(server.host(), server.port())) {
			LockHandle held = manager.locks().acquire(LockRequest.of("down", Duration.ofSeconds(30)));
			LockHandle waiting = manager.locks().lock("other", Duration.ofSeconds(5), Duration.ofSeconds(1));
			server.kill();
			Duration wait = Duration.ofSeconds(1);
			long start = System.nanoTime();
			LockResult failed = manager.locks().lock("down-2", Duration.ofSeconds(5), wait).await();
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(failed.status()).isEqualTo(LockStatus.FAILED);
			assertThat(failed.failure()).isNotNull();
			assertThat(took).isLessThan(wait.plusMillis(300));
			assertThat(waiting.await().status()).isIn(LockStatus.ACQUIRED, LockStatus.FAILED);
			assertThatExceptionOfType(LockException.class)
				.isThrownBy(() -> manager.locks().acquire(LockRequest.of("down-3", Duration.ofSeconds(5))));
			assertThatExceptionOfType(LockException.class).isThrownBy(held::unlock);
			server.restart();
			try (LockHandle after = manager.locks().acquire(LockRequest.of("down", Duration.ofSeconds(5))
				.withWaitTime(Duration.ofSeconds(5)))) {
				assertThat(after.isHeld()).isTrue();
			}
			waiting.unlock();
			assertThat(server.lockKeyCount()).isZero();
		}
	}

	@Test
	void aGrantArrivingAfterItsTtlIsNotReportedAsHeld() throws Exception {
		RedisServer server = redis.server();
		try (TestRedis.Manager manager = TestRedis.Manager.start(server.host(), server.port())) {
			manager.locks().acquire(LockRequest.of("warm", Duration.ofSeconds(5))).unlock();
			Duration ttl = Duration.ofMillis(200);
			LockHandle late;
			server.pause();
			try {
				late = manager.locks().lock(LockRequest.of("late", ttl).withWaitTime(Duration.ofSeconds(5)));
				Thread.sleep(ttl.toMillis() * 2);
			}
			finally {
				server.resume();
			}
			LockResult result = late.await();
			// Acquired by the attempt after the late grant, which renewed the lease it had taken.
			assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(late.isHeld()).isTrue();
			try (Jedis jedis = server.jedis()) {
				assertThat(jedis.pttl("lock:late")).isPositive();
			}
			late.unlock();
			assertThat(server.lockKeyCount()).isZero();
		}
	}

	@Test
	void pausedRedisEndsWaitsAtTheirBoundAndLeavesNothingHeld() throws Exception {
		RedisServer server = redis.server();
		try (TestRedis.Manager manager = TestRedis.Manager.start(server.host(), server.port())) {
			manager.locks().acquire(LockRequest.of("warm", Duration.ofSeconds(5))).unlock();
			server.pause();
			try {
				long start = System.nanoTime();
				LockHandle background = manager.locks().lock("paused", Duration.ofSeconds(5), Duration.ofMillis(500));
				// Nobody waits on this thread, so a worker makes the attempt and the future ends at the bound.
				LockResult result = background.result().get(5, TimeUnit.SECONDS);
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				// A frozen server gives no answer within the bound: not acquired is all that is known.
				assertThat(result.status()).isEqualTo(LockStatus.TIMED_OUT);
				assertThat(took).isLessThan(Duration.ofMillis(800));
				start = System.nanoTime();
				// A caller that waits makes the attempt itself: it ends within the bound plus the client's
				// timeouts (the read that gets no answer, and the reconnect after it).
				LockResult awaited = manager.locks().lock("paused", Duration.ofSeconds(5), Duration.ofMillis(500)).await();
				took = Duration.ofNanos(System.nanoTime() - start);
				assertThat(awaited.status()).isEqualTo(LockStatus.TIMED_OUT);
				assertThat(took).isLessThan(Duration.ofMillis(500).plus(TestRedis.TIMEOUT.multipliedBy(2)).plusMillis(500));
			}
			finally {
				server.resume();
			}
			try (LockHandle after = manager.locks().acquire(LockRequest.of("paused", Duration.ofSeconds(5))
				.withWaitTime(Duration.ofSeconds(5)))) {
				assertThat(after.isHeld()).isTrue();
			}
			assertThat(server.lockKeyCount()).isZero();
		}
	}

}
