package io.distlock.aop;


import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.annotation.DistributedLock;
import io.distlock.core.LockContext;
import io.distlock.core.LockHandle;
import io.distlock.core.LockNotAcquiredException;
import io.distlock.core.Storm;
import io.distlock.core.Storm.Tally;
import io.distlock.redis.RedisLockManager;
import io.distlock.testsupport.RedisExtension;

/**
 * Tests for {@link DistributedLockAspect} under issue 17's interrupt storm, against a real
 * redis-server: eight threads call one guarded method while another interrupts random ones of
 * them every 0 to 2ms. The method never runs while another runs or without holding its lock, no
 * call hangs or throws anything but {@code LockNotAcquiredException}, and nothing is left held.
 */
class InterruptStormAnnotationIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = LockTestContexts.runner(redis.server()).withBean(Guarded.class);

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void interruptedCallersNeverRunTheMethodUnlockedAndLeaveNothingHeld() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Tally tally = Storm.of(8).interrupting((slot, calls) -> {
				try {
					guarded.section(calls);
				}
				catch (LockNotAcquiredException ex) {
					calls.notAcquired(ex, Thread.currentThread().isInterrupted());
				}
			});
			RedisLockManager locks = context.getBean(RedisLockManager.class);
			tally.settle("keys in Redis", Storm.SETTLE, redis.server()::lockKeyCount)
				.settle("keys with local state", Storm.SETTLE, locks::activeKeys)
				.report("annotation")
				.assertNoViolations();
		});
	}

	static class Guarded {

		/**
		 * The critical section, checking first that the lock it runs under is held. The lease
		 * outlives the settling wait, so that a lock leaked unrenewed is still seen.
		 */
		@DistributedLock(name = "storm", ttl = "10s", waitTime = "5s")
		public void section(Tally tally) {
			tally.section(LockContext.current().map(LockHandle::isHeld).orElse(false));
		}

	}

}
