package io.distlock.metrics;

import java.time.Duration;
import java.util.function.BiConsumer;

import io.distlock.core.LockHandle;
import io.distlock.core.LockListener;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockSettings;
import io.distlock.core.LockStatus;
import io.distlock.redis.RedisLockManager;
import io.distlock.redis.TestRedis;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives lock requests observed by a listener to each outcome under real contention on a real
 * redis-server: a manager reporting to the listener (at most one waiter per key) and another,
 * unobserved, that contends with it.
 */
final class ContendedLocks implements AutoCloseable {

	/** The moments at which {@link #everyOutcome} lets a test look. */
	enum Step {

		/** A request for the free lock was acquired, uncontended. */
		ACQUIRED_FREE,

		/** That lock was released. */
		RELEASED,

		/** With the lock held elsewhere, a request timed out, contended. */
		TIMED_OUT,

		/** A request waits behind the other holder. */
		WAITING,

		/** A request beyond the one waiter allowed was rejected, contended. */
		REJECTED,

		/** The waiting request was cancelled. */
		CANCELLED,

		/** A request acquired the lock once the other holder released it, contended; it is held. */
		ACQUIRED_CONTENDED

	}

	private final RedisServer server;

	private final TestRedis.Manager observed;

	private final TestRedis.Manager other;

	private ContendedLocks(RedisServer server, LockListener listener) {
		this.server = server;
		this.observed = TestRedis.Manager.start(server.host(), server.port(),
				LockSettings.DEFAULTS.withMaxWaitersPerKey(1), listener);
		this.other = TestRedis.Manager.start(server.host(), server.port());
	}

	/**
	 * Flushes {@code server} and starts both managers on it.
	 * @param server the redis-server
	 * @param listener what observes the requests of the first manager
	 * @return the fixture, to close after the test
	 */
	static ContendedLocks start(RedisServer server, LockListener listener) {
		server.flushAll();
		return new ContendedLocks(server, listener);
	}

	/**
	 * The observed manager.
	 * @return the manager reporting to the listener
	 */
	RedisLockManager locks() {
		return this.observed.locks();
	}

	/**
	 * A request for key {@code orders:<name>} named {@code name}, with a 5s lease.
	 * @param name the lock name
	 * @param wait how long to wait
	 * @return the request
	 */
	static LockRequest request(String name, Duration wait) {
		return LockRequest.of("orders:" + name, Duration.ofSeconds(5)).withName(name).withWaitTime(wait);
	}

	/**
	 * Takes the lock named {@code name} once free, then, while the other manager holds it, once
	 * to each of {@code TIMED_OUT}, {@code REJECTED} and {@code CANCELLED}, and once more
	 * {@code ACQUIRED} when the other releases it; calls {@code probe} at each {@link Step} with
	 * that step's handle. Releases everything before it returns.
	 * @param name the lock name
	 * @param probe what looks at each step
	 * @throws InterruptedException if interrupted while letting the last request wait
	 */
	void everyOutcome(String name, BiConsumer<Step, LockHandle> probe) throws InterruptedException {
		LockHandle free = locks().lock(request(name, Duration.ZERO));
		assertThat(free.await().status()).isEqualTo(LockStatus.ACQUIRED);
		probe.accept(Step.ACQUIRED_FREE, free);
		free.unlock();
		probe.accept(Step.RELEASED, free);

		LockHandle remote = this.other.locks().acquire(request(name, Duration.ZERO));
		LockHandle timedOut = locks().lock(request(name, Duration.ofMillis(100)));
		assertThat(timedOut.await().status()).isEqualTo(LockStatus.TIMED_OUT);
		probe.accept(Step.TIMED_OUT, timedOut);

		LockHandle waiting = locks().lock(request(name, Duration.ofSeconds(5)));
		probe.accept(Step.WAITING, waiting);
		LockHandle excess = locks().lock(request(name, Duration.ofSeconds(5)));
		assertThat(excess.await().status()).isEqualTo(LockStatus.REJECTED);
		probe.accept(Step.REJECTED, excess);
		waiting.cancel();
		assertThat(waiting.await().status()).isEqualTo(LockStatus.CANCELLED);
		probe.accept(Step.CANCELLED, waiting);

		LockHandle next = locks().lock(request(name, Duration.ofSeconds(5)));
		Thread.sleep(50);
		remote.unlock();
		assertThat(next.await().status()).isEqualTo(LockStatus.ACQUIRED);
		probe.accept(Step.ACQUIRED_CONTENDED, next);
		next.unlock();
	}

	/**
	 * Requests the lock named {@code name} while the redis-server is down, then restarts it.
	 * @param name the lock name
	 * @return the outcome, {@code FAILED}
	 */
	LockResult whileRedisIsDown(String name) {
		this.server.kill();
		try {
			LockResult result = locks().lock(request(name, Duration.ofMillis(200))).await();
			assertThat(result.status()).isEqualTo(LockStatus.FAILED);
			return result;
		}
		finally {
			this.server.restart();
		}
	}

	/**
	 * Acquires the lock named {@code name} with a 300ms lease, deletes its key in Redis and waits
	 * until renewal has found it gone.
	 * @param name the lock name
	 * @return the handle whose lease is lost, not yet released
	 * @throws InterruptedException if interrupted while waiting for the renewal
	 */
	LockHandle loseLease(String name) throws InterruptedException {
		LockHandle handle = locks().acquire(LockRequest.of("orders:" + name, Duration.ofMillis(300)).withName(name));
		try (var jedis = this.server.jedis()) {
			jedis.del("lock:orders:" + name);
		}
		Thread.sleep(500);
		assertThat(handle.isHeld()).isFalse();
		return handle;
	}

	@Override
	public void close() {
		this.observed.close();
		this.other.close();
	}

}
