package io.distlock.redis;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.Storm;
import io.distlock.core.Storm.Tally;
import io.distlock.testsupport.RedisExtension;

/**
 * Tests for {@link RedisLockManager} under issue 17's storms, against a real redis-server: eight
 * threads on one key while another interrupts random ones of them, or cancels their handles in
 * flight, every 0 to 2ms. No section overlaps, no call gets a lock it does not hold, hangs or
 * throws, and nothing is left held: no key in Redis, no key state in the JVM.
 */
class InterruptStormIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	final LockFixture fixture = new LockFixture(redis);

	@Test
	void interruptedAwaitNeverRunsUnlockedAndLeavesNothingHeld() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		Tally tally = Storm.of(Storm.WORKERS).interrupting(Storm.awaiting(locks, Storm.ONE_KEY));
		countLeftovers(locks, tally);
		tally.report("redis await").assertNoViolations();
	}

	@Test
	void interruptedAcquireNeverRunsUnlockedAndLeavesNothingHeld() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		Tally tally = Storm.of(Storm.WORKERS).interrupting(Storm.acquiring(locks, Storm.ONE_KEY));
		countLeftovers(locks, tally);
		tally.report("redis acquire").assertNoViolations();
	}

	@Test
	void cancellingHandlesInFlightNeverOverlapsAndLeavesNothingHeld() throws Exception {
		RedisLockManager locks = this.fixture.manager();
		Tally tally = Storm.of(Storm.WORKERS).cancelling(Storm.awaiting(locks, Storm.ONE_KEY));
		countLeftovers(locks, tally);
		tally.report("redis cancel").assertNoViolations();
	}

	private static void countLeftovers(RedisLockManager locks, Tally tally) throws Exception {
		tally.settle("keys in Redis", Storm.SETTLE, redis.server()::lockKeyCount)
			.settle("keys with local state", Storm.SETTLE, locks::activeKeys);
	}

}
