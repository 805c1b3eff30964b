package io.distlock.metrics;

import java.time.Duration;
import java.util.Collection;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.core.LockSettings;
import io.distlock.core.LockStatus;
import io.distlock.redis.RedisLockManager;
import io.distlock.redis.TestRedis;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MicrometerLockListener} under real contention on a real redis-server.
 */
class MicrometerLockListenerIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private TestRedis.Manager manager;

	private TestRedis.Manager other;

	@BeforeEach
	void start() {
		RedisServer server = redis.server();
		server.flushAll();
		this.manager = TestRedis.Manager.start(server.host(), server.port(),
				LockSettings.DEFAULTS.withMaxWaitersPerKey(1), new MicrometerLockListener(this.registry));
		this.other = TestRedis.Manager.start(server.host(), server.port());
	}

	@AfterEach
	void stop() {
		this.manager.close();
		this.other.close();
	}

	private RedisLockManager locks() {
		return this.manager.locks();
	}

	private LockRequest request(String name, Duration wait) {
		return LockRequest.of("orders:" + name, Duration.ofSeconds(5)).withName(name).withWaitTime(wait);
	}

	private long acquireCount(String name, String outcome, boolean contended) {
		return this.registry.get("distlock.acquire")
			.tags("name", name, "outcome", outcome, "contended", Boolean.toString(contended))
			.timer()
			.count();
	}

	@Test
	void recordsEachOutcomeWithContention() throws Exception {
		LockHandle free = locks().lock(request("pay", Duration.ZERO));
		assertThat(free.await().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(acquireCount("pay", "acquired", false)).isEqualTo(1);
		assertThat(this.registry.get("distlock.held.active").tag("name", "pay").longTaskTimer().activeTasks())
			.isEqualTo(1);
		free.unlock();
		assertThat(this.registry.get("distlock.held").tag("name", "pay").timer().count()).isEqualTo(1);
		assertThat(this.registry.get("distlock.held.active").tag("name", "pay").longTaskTimer().activeTasks())
			.isZero();

		LockHandle remote = this.other.locks().acquire(LockRequest.of("orders:pay", Duration.ofSeconds(5)));
		assertThat(locks().lock(request("pay", Duration.ofMillis(100))).await().status())
			.isEqualTo(LockStatus.TIMED_OUT);
		assertThat(acquireCount("pay", "timed_out", true)).isEqualTo(1);

		LockHandle waiting = locks().lock(request("pay", Duration.ofSeconds(5)));
		assertThat(this.registry.get("distlock.acquire.active").tag("name", "pay").longTaskTimer().activeTasks())
			.isEqualTo(1);
		LockHandle excess = locks().lock(request("pay", Duration.ofSeconds(5)));
		assertThat(excess.await().status()).isEqualTo(LockStatus.REJECTED);
		assertThat(acquireCount("pay", "rejected", true)).isEqualTo(1);
		waiting.cancel();
		assertThat(waiting.await().status()).isEqualTo(LockStatus.CANCELLED);
		// Cancelled before or after its first attempt answered: contention is known only after.
		assertThat(acquireCount("pay", "cancelled", true) + acquireCount("pay", "cancelled", false)).isEqualTo(1);
		assertThat(this.registry.get("distlock.acquire.active").tag("name", "pay").longTaskTimer().activeTasks())
			.isZero();

		LockHandle next = locks().lock(request("pay", Duration.ofSeconds(5)));
		Thread.sleep(50);
		remote.unlock();
		assertThat(next.await().status()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(acquireCount("pay", "acquired", true)).isEqualTo(1);
		next.unlock();
	}

	@Test
	void recordsFailuresWhenRedisIsDown() {
		RedisServer server = redis.server();
		server.kill();
		try {
			assertThat(locks().lock(request("down", Duration.ofMillis(200))).await().status())
				.isEqualTo(LockStatus.FAILED);
			assertThat(acquireCount("down", "failed", false)).isEqualTo(1);
		}
		finally {
			server.restart();
		}
	}

	@Test
	void countsALeaseLostWhenRenewalIsRefused() throws Exception {
		LockHandle handle = locks().acquire(LockRequest.of("orders:lost", Duration.ofMillis(300)).withName("lost"));
		try (var jedis = redis.server().jedis()) {
			jedis.del("lock:orders:lost");
		}
		Thread.sleep(500);
		assertThat(handle.isHeld()).isFalse();
		assertThat(this.registry.get("distlock.lost").tag("name", "lost").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("distlock.held.active").tag("name", "lost").longTaskTimer().activeTasks())
			.isZero();
		handle.unlock();
	}

	@Test
	void manyKeysUnderOneNameMakeOneSetOfMeters() {
		for (int i = 0; i < 10_000; i++) {
			locks().acquire(LockRequest.of("cardinality:" + i, Duration.ofSeconds(5)).withName("bulk")).unlock();
		}
		Collection<Meter> meters = this.registry.find("distlock.acquire").tag("name", "bulk").meters();
		assertThat(meters).hasSize(LockStatus.values().length * 2);
		assertThat(this.registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
			.noneMatch((tag) -> tag.getValue().startsWith("cardinality:")));
		assertThat(acquireCount("bulk", "acquired", false)).isEqualTo(10_000);
	}

}
