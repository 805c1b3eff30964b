package io.distlock.aop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.core.LockContext;
import io.distlock.core.LockHandle;
import io.distlock.testsupport.RedisServer;

/**
 * Application contexts with the auto-configured lock manager and aspect against a test
 * redis-server, and a probe that records what a guarded method sees.
 */
final class LockTestContexts {

	private LockTestContexts() {
	}

	static ApplicationContextRunner runner(RedisServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
					DistributedLockAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + server.host(), "spring.data.redis.port=" + server.port(),
					"spring.data.redis.timeout=1s")
			.withBean(Probe.class);
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
