package io.distlock.aop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.core.LockContext;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.crossprocess.Backend;
import io.distlock.testsupport.RedisServer;
import io.distlock.zookeeper.ZooKeeperServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Application contexts with the auto-configured lock manager and aspect against a test
 * redis-server, a probe that records what a guarded method sees, a witness of overlapping
 * critical sections, and a lock held by another thread.
 */
final class LockTestContexts {

	private LockTestContexts() {
	}

	static ApplicationContextRunner runner(RedisServer server) {
		return runner().withPropertyValues("spring.data.redis.host=" + server.host(),
				"spring.data.redis.port=" + server.port());
	}

	/**
	 * A runner on the Redis Cluster of {@code nodes}, configured by
	 * {@code spring.data.redis.cluster.nodes} alone.
	 */
	static ApplicationContextRunner clusterRunner(List<String> nodes) {
		return runner().withPropertyValues("spring.data.redis.cluster.nodes=" + String.join(",", nodes));
	}

	private static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
					DistributedLockAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.timeout=1s")
			.withBean(Probe.class);
	}

	/**
	 * A runner whose lock manager is on {@code backend}: the Redis of {@code redis}, or the
	 * ZooKeeper of {@code zookeeper} (Redis is still configured, for the {@link Probe}).
	 */
	static ApplicationContextRunner runner(Backend backend, RedisServer redis, ZooKeeperServerExtension zookeeper) {
		ApplicationContextRunner runner = runner(redis);
		return (backend == Backend.ZOOKEEPER)
				? runner.withPropertyValues("distlock.zookeeper.connect-string=" + zookeeper.connectString()) : runner;
	}

	/**
	 * How many locks {@code backend} keeps now.
	 */
	static long locksLeft(Backend backend, RedisServer redis, ZooKeeperServerExtension zookeeper) throws Exception {
		return (backend == Backend.REDIS) ? redis.lockKeyCount() : zookeeper.lockNodes("/distlock");
	}

	/**
	 * Runs {@code test} while another thread holds the lock {@code key}.
	 */
	static void withLockHeldElsewhere(AssertableApplicationContext context, String key, ThrowingRunnable test)
			throws Exception {
		LockManager locks = context.getBean(LockManager.class);
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
			try (LockHandle handle = locks.acquire(LockRequest.of(key, Duration.ofSeconds(30)))) {
				entered.countDown();
				await(release);
			}
		});
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		try {
			test.run();
		}
		finally {
			release.countDown();
			holder.get(10, TimeUnit.SECONDS);
		}
	}

	static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@FunctionalInterface
	interface ThrowingRunnable {

		void run() throws Exception;

	}

	/**
	 * Counts runs of critical sections and the runs that overlapped another, independently of
	 * the lock.
	 */
	static class Witness {

		private final AtomicInteger runs = new AtomicInteger();

		private final AtomicInteger occupancy = new AtomicInteger();

		private final AtomicInteger overlaps = new AtomicInteger();

		void enter() {
			this.runs.incrementAndGet();
			if (this.occupancy.incrementAndGet() > 1) {
				this.overlaps.incrementAndGet();
			}
		}

		void exit() {
			this.occupancy.decrementAndGet();
		}

		int runs() {
			return this.runs.get();
		}

		int overlaps() {
			return this.overlaps.get();
		}

	}

	/**
	 * What a guarded method saw of its lock.
	 *
	 * @param key the current handle's key
	 * @param fencingToken its fencing token
	 * @param held whether it was held
	 * @param pttl the remaining lease of its Redis key, in milliseconds ({@code -2} if absent)
	 */
	record Seen(String key, long fencingToken, boolean held, long pttl) {
	}

	/**
	 * Records the current lock from inside guarded methods.
	 */
	static class Probe {

		private final StringRedisTemplate redis;

		private final List<Seen> seen = new CopyOnWriteArrayList<>();

		Probe(StringRedisTemplate redis) {
			this.redis = redis;
		}

		Seen look() {
			LockHandle handle = LockContext.current().orElseThrow();
			Long pttl = this.redis.getExpire("lock:" + handle.key(), TimeUnit.MILLISECONDS);
			Seen seen = new Seen(handle.key(), handle.fencingToken(), handle.isHeld(), (pttl != null) ? pttl : -2);
			this.seen.add(seen);
			return seen;
		}

		boolean exists(String key) {
			return Boolean.TRUE.equals(this.redis.hasKey("lock:" + key));
		}

		long pttl(String key) {
			Long pttl = this.redis.getExpire("lock:" + key, TimeUnit.MILLISECONDS);
			return (pttl != null) ? pttl : -2;
		}

		List<Seen> seen() {
			return this.seen;
		}

	}

}
