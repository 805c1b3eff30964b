package io.distlock.faults;

import java.time.Duration;
import java.util.List;

import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 9: after each scenario, once its locks are released or expired, no lock key is left
 * in Redis. Counts the checks and the keys found, for the report.
 */
final class Residue {

	private static long checks;

	private static long keysLeft;

	private Residue() {
	}

	/**
	 * Waits up to {@code expiry} (the longest lease still running) for the lock server to be
	 * empty, records the result, and asserts that it is.
	 */
	static synchronized void check(RedisServer locks, Duration expiry) throws InterruptedException {
		long deadline = System.nanoTime() + expiry.toNanos();
		while (liveKeys(locks) > 0 && System.nanoTime() - deadline < 0) {
			Thread.sleep(20);
		}
		long left = liveKeys(locks);
		checks++;
		keysLeft += left;
		ReliabilityReport.add(new ReliabilityReport.Row(90, "9", "Residue: lock keys left after each scenario", checks,
				"-", "-", "-", "-", "-", "keys left: " + keysLeft));
		assertThat(left).as("lock keys left %s after the scenario: %s", expiry, locks.command("KEYS", "*")).isZero();
	}

	/**
	 * Lock keys not yet expired: {@code DBSIZE} also counts keys whose ttl has passed until Redis
	 * evicts them, up to a few hundred milliseconds later; {@code KEYS} checks each key's expiry.
	 * Fencing floors are not lock keys: they stay on purpose.
	 */
	private static long liveKeys(RedisServer locks) {
		return ((List<?>) locks.command("KEYS", "*")).stream()
			.filter((key) -> !String.valueOf(key).contains(RedisServer.FENCING_FLOOR))
			.count();
	}

}
