package io.distlock.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.redis.TestRedis;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;
import io.distlock.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The fault suite's scenarios on the connection to Redis (issue 8: 4 connection cut during
 * renewal, 5 proxy faults, 6 restart and {@code SCRIPT FLUSH} under load, 7 lost wake-ups, 10 bad
 * input at scale), with managers in this JVM talking to Redis directly or through a
 * {@link TcpProxy}. Sizes follow {@link FaultScale}; figures go to {@link ReliabilityReport}.
 */
class ConnectionFaultIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@BeforeAll
	static void noteVersion() {
		ReliabilityReport.redisVersion(redis.server().version());
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	private static TestRedis.Manager direct() {
		return TestRedis.Manager.start(redis.server().host(), redis.server().port());
	}

	private static TcpProxy proxy() {
		return TcpProxy.start(redis.server().host(), redis.server().port());
	}

	private static TestRedis.Manager through(TcpProxy proxy) {
		return TestRedis.Manager.start(proxy.host(), proxy.port());
	}

	/**
	 * Takes a few locks at once, so that pooled connections are ready and a faulted attempt is not
	 * stuck in a new connection's own handshake, even while an earlier trial's background release
	 * still holds one.
	 */
	private static void warmUp(TestRedis.Manager manager) {
		List<LockHandle> handles = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			handles.add(manager.locks().lock(LockRequest.of("warm-up-" + i, Duration.ofSeconds(1))));
		}
		for (LockHandle handle : handles) {
			assertThat(handle.await().acquired()).isTrue();
		}
		handles.forEach(LockHandle::unlock);
	}

	private static boolean exists(String key) {
		return (Long) redis.server().command("EXISTS", "lock:" + key) == 1;
	}

	private static Duration untilGone(String key, Duration timeout) throws InterruptedException {
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		while (exists(key) && System.nanoTime() - deadline < 0) {
			Thread.sleep(5);
		}
		return Duration.ofNanos(System.nanoTime() - start);
	}

	@Test
	void cutConnectionDuringRenewalLosesTheLeaseLoudlyAndLeavesNoRenewedKey() throws Exception {
		int trials = ReliabilityReport.size("renewal-cut-trials", 2, 20);
		Duration ttl = Duration.ofSeconds(1);
		// The lease, plus a renewal in flight that waits out its read timeout, then as long again
		// while its broken connection is closed.
		Duration reportBound = ttl.plus(TestRedis.TIMEOUT.multipliedBy(2)).plusMillis(300);
		Latencies expiries = new Latencies();
		Latencies reports = new Latencies();
		long heldAfterExpiry = 0;
		long overRenewed = 0;
		try (TcpProxy proxy = proxy(); TestRedis.Manager cut = through(proxy); TestRedis.Manager other = direct()) {
			for (int trial = 0; trial < trials; trial++) {
				String key = "renewal-cut-" + trial;
				LockHandle held = cut.locks().acquire(LockRequest.of(key, ttl));
				Thread.sleep(ttl.toMillis());
				proxy.blackhole();
				long cutAt = System.nanoTime();
				CompletableFuture<Duration> reported = held.leaseLost()
					.thenApply((loss) -> Duration.ofNanos(System.nanoTime() - cutAt));
				expiries.add(untilGone(key, ttl.multipliedBy(3)));
				heldAfterExpiry += held.isHeld() ? 1 : 0;
				reports.add(reported.get(reportBound.toMillis() * 2, TimeUnit.MILLISECONDS));
				// The key is free: a new owner takes it without renewal, so only a stale renewal
				// could push its expiry back.
				LockHandle next = other.locks().acquire(LockRequest.of(key, Duration.ofSeconds(5)).withAutoRenew(false));
				proxy.heal();
				Thread.sleep(ttl.toMillis());
				long pttl = (Long) redis.server().command("PTTL", "lock:" + key);
				overRenewed += (pttl > 4100) ? 1 : 0;
				held.unlock();
				assertThat(next.isHeld()).isTrue();
				next.unlock();
			}
		}
		ReliabilityReport.add(new ReliabilityReport.Row(42, "4b",
				"Connection blackholed while holding with renewal, ttl 1s", trials, "-", "-", "-", "-",
				"yes, after " + reports.summary(), "key expired after the cut: " + expiries.summary()
						+ "; handle still held once the key expired: " + heldAfterExpiry
						+ "; renewals of the next owner's key: " + overRenewed));
		assertThat(expiries.max()).isLessThanOrEqualTo(ttl);
		assertThat(heldAfterExpiry).isZero();
		assertThat(reports.max()).isLessThanOrEqualTo(reportBound);
		assertThat(overRenewed).isZero();
		Residue.check(redis.server(), ttl);
	}

	/**
	 * Scenario 5a. A reply delayed beyond the lease: the caller must not be told "acquired" once
	 * the lease it was granted could have run out.
	 */
	@Test
	void replyDelayedBeyondTheLeaseIsNotReportedAsAcquired() throws Exception {
		int trials = ReliabilityReport.size("delayed-reply-trials", 3, 50);
		Duration ttl = Duration.ofMillis(300);
		long toldAfterExpiry = 0;
		long acquired = 0;
		Latencies expiries = new Latencies();
		try (TcpProxy proxy = proxy(); TestRedis.Manager manager = through(proxy)) {
			warmUp(manager);
			for (int trial = 0; trial < trials; trial++) {
				String key = "delayed-" + trial;
				proxy.delayReplies(Duration.ofMillis(600));
				LockHandle handle = manager.locks().lock(LockRequest.of(key, ttl).withWaitTime(Duration.ofSeconds(3)));
				CompletableFuture<Boolean> heldWhenTold = handle.result().thenApply((result) -> handle.isHeld());
				LockResult result = handle.await();
				if (result.acquired()) {
					acquired++;
					toldAfterExpiry += heldWhenTold.join() ? 0 : 1;
				}
				proxy.heal();
				expiries.add(untilGone(key, ttl.multipliedBy(4)));
				handle.unlock();
			}
		}
		ReliabilityReport.add(new ReliabilityReport.Row(51, "5a", "Proxy: acquire reply delayed 600ms, ttl 300ms",
				trials, "-", "-", "-", "-", "-", "told acquired: " + acquired + ", of which with the lease already run out: "
						+ toldAfterExpiry + "; orphan freed after p50 / p99 / max: " + expiries.summary()));
		assertThat(expiries.max()).isLessThanOrEqualTo(ttl.multipliedBy(2));
		assertThat(toldAfterExpiry).as("callers told 'acquired' whose lease had already run out").isZero();
		Residue.check(redis.server(), ttl);
	}

	@Test
	void handOffReplyDelayedBeyondTheLeaseIsNotReportedAsHeld() throws Exception {
		Duration ttl = Duration.ofMillis(300);
		try (TcpProxy proxy = proxy(); TestRedis.Manager manager = through(proxy)) {
			warmUp(manager);
			LockHandle holder = manager.locks().acquire(LockRequest.of("handed", ttl).withWaitTime(Duration.ofSeconds(3)));
			LockHandle next = manager.locks().lock(LockRequest.of("handed", ttl).withWaitTime(Duration.ofSeconds(5)));
			CompletableFuture<Boolean> heldWhenTold = next.result().thenApply((result) -> next.isHeld());
			// Past the in-memory window, so the release script hands the lock over; its reply comes late.
			Thread.sleep(20);
			proxy.delayReplies(Duration.ofMillis(600));
			holder.unlock();
			proxy.heal();
			assertThat(next.await().status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(heldWhenTold.join()).as("held when told it was acquired").isTrue();
			next.unlock();
		}
		Residue.check(redis.server(), ttl);
	}

	@Test
	void replyLostAfterTheLockWasTakenIsNotAcquiredAndTheOrphanFreesWithinItsTtl() throws Exception {
		int trials = ReliabilityReport.size("lost-reply-trials", 2, 20);
		Duration ttl = Duration.ofSeconds(2);
		Latencies frees = new Latencies();
		long acquired = 0;
		try (TcpProxy proxy = proxy(); TestRedis.Manager manager = through(proxy)) {
			for (int trial = 0; trial < trials; trial++) {
				String key = "lost-reply-" + trial;
				// A pooled connection ready, so the attempt is not stuck in the connection's own handshake.
				warmUp(manager);
				proxy.dropReplies();
				LockHandle handle = manager.locks().lock(LockRequest.of(key, ttl).withWaitTime(Duration.ofMillis(1500)));
				Thread.sleep(300);
				assertThat(exists(key)).as("the script ran although its reply was lost (trial %d)", trial).isTrue();
				LockResult result = handle.await();
				acquired += result.acquired() ? 1 : 0;
				// No answer within the bound: FAILED or TIMED_OUT, as long as it is not "acquired".
				assertThat(result.status()).isIn(LockStatus.FAILED, LockStatus.TIMED_OUT);
				proxy.heal();
				frees.add(untilGone(key, ttl.multipliedBy(2)));
			}
		}
		ReliabilityReport.add(new ReliabilityReport.Row(52, "5b", "Proxy: reply lost after the lock was taken, ttl 2s",
				trials, "-", "-", "-", "-", "-", "told acquired: " + acquired
						+ "; orphan freed after the call ended p50 / p99 / max: " + frees.summary()));
		assertThat(frees.max()).isLessThanOrEqualTo(ttl);
		Residue.check(redis.server(), ttl);
	}

	@Test
	void connectionResetMidCommandEndsInAKnownOutcome() throws Exception {
		int trials = ReliabilityReport.size("reset-trials", 3, 30);
		Duration ttl = Duration.ofSeconds(2);
		long acquired = 0;
		long wrongToken = 0;
		Latencies frees = new Latencies();
		try (TcpProxy proxy = proxy(); TestRedis.Manager manager = through(proxy)) {
			warmUp(manager);
			for (int trial = 0; trial < trials; trial++) {
				String key = "reset-" + trial;
				proxy.delayReplies(Duration.ofMillis(400));
				LockHandle handle = manager.locks().lock(LockRequest.of(key, ttl).withWaitTime(Duration.ofSeconds(3)));
				Thread.sleep(100);
				proxy.heal();
				proxy.resetConnections();
				LockResult result = handle.await();
				if (result.acquired()) {
					acquired++;
					Object token = redis.server().command("HGET", "lock:" + key, "f");
					wrongToken += Long.toString(result.fencingToken()).equals(token) ? 0 : 1;
					handle.unlock();
					assertThat(exists(key)).isFalse();
				}
				else {
					frees.add(untilGone(key, ttl.multipliedBy(2)));
				}
			}
		}
		ReliabilityReport.add(new ReliabilityReport.Row(53, "5c", "Proxy: connections reset mid-command, ttl 2s",
				trials, "-", "-", "-", "-", "-", "acquired on retry: " + acquired + " (holding a token other than "
						+ "Redis's: " + wrongToken + "); not acquired, freed after p50 / p99 / max: " + frees.summary()));
		assertThat(wrongToken).isZero();
		assertThat(frees.max()).isLessThanOrEqualTo(ttl);
		Residue.check(redis.server(), ttl);
	}

	@Test
	void restartsAndScriptFlushesUnderLoadNeverLeakNoScriptAndEveryCallEndsInItsBound() throws Exception {
		int flushes = ReliabilityReport.size("script-flushes", 4, 40);
		int restarts = ReliabilityReport.size("restarts", 1, 10);
		Duration wait = Duration.ofSeconds(2);
		// The wait, plus one connection timeout for an attempt in flight, plus scheduling slack.
		Duration bound = wait.plus(TestRedis.TIMEOUT).plusMillis(500);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong calls = new AtomicLong();
		AtomicLong noScript = new AtomicLong();
		AtomicLong overBound = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		AtomicLong slowest = new AtomicLong();
		RedisServer server = redis.server();
		try (TestRedis.Manager manager = direct()) {
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				String key = "load-" + (t % 4);
				Thread thread = new Thread(() -> {
					while (running.get()) {
						long start = System.nanoTime();
						LockHandle handle = manager.locks().lock(LockRequest.of(key, Duration.ofSeconds(2)).withWaitTime(wait));
						LockResult result = handle.await();
						long took = System.nanoTime() - start;
						calls.incrementAndGet();
						slowest.accumulateAndGet(took, Math::max);
						overBound.addAndGet((took > bound.toNanos()) ? 1 : 0);
						if (result.status() == LockStatus.FAILED) {
							failed.incrementAndGet();
							noScript.addAndGet(mentionsNoScript(result.failure()) ? 1 : 0);
						}
						try {
							handle.unlock();
						}
						catch (LockException ex) {
							noScript.addAndGet(mentionsNoScript(ex) ? 1 : 0);
						}
					}
				});
				thread.start();
				threads.add(thread);
			}
			for (int i = 0; i < flushes; i++) {
				Thread.sleep(250);
				server.scriptFlush();
				// Spreads the restarts evenly over the flushes.
				if ((i + 1) * restarts / flushes > i * restarts / flushes) {
					server.restart();
				}
			}
			Thread.sleep(1000);
			long before = calls.get();
			Thread.sleep(1000);
			long afterFaults = calls.get() - before;
			running.set(false);
			for (Thread thread : threads) {
				thread.join(bound.toMillis() * 2);
			}
			ReliabilityReport.add(new ReliabilityReport.Row(60, "6",
					"Redis restart and SCRIPT FLUSH under load: 8 threads, 4 keys", calls.get(), "-", "-", "-", "-", "-",
					"faults: " + flushes + " flushes, " + restarts + " restarts; NOSCRIPT reaching callers: "
							+ noScript.get() + "; calls over their bound: " + overBound.get() + " (slowest "
							+ Duration.ofNanos(slowest.get()).toMillis() + " ms, bound " + bound.toMillis()
							+ " ms); failed during restarts: " + failed.get() + "; calls in the second after: "
							+ afterFaults));
			assertThat(noScript.get()).isZero();
			assertThat(overBound.get()).isZero();
			assertThat(afterFaults).as("service resumed").isPositive();
		}
		Residue.check(server, Duration.ofSeconds(2));
	}

	private static boolean mentionsNoScript(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	@Test
	void killedSubscriptionDelaysHandOverOnlyToTheFallbackBound() throws Exception {
		int trials = ReliabilityReport.size("wake-up-trials", 5, 100);
		Duration fallbackBound = Duration.ofMillis(1500);
		Latencies handOvers = new Latencies();
		long missed = 0;
		try (TestRedis.Manager holder = direct(); TestRedis.Manager waiter = direct()) {
			for (int trial = 0; trial < trials; trial++) {
				String key = "wake-" + trial;
				LockHandle held = holder.locks().acquire(LockRequest.of(key, Duration.ofSeconds(30)));
				LockHandle waiting = waiter.locks().lock(LockRequest.of(key, Duration.ofSeconds(30))
					.withWaitTime(Duration.ofSeconds(10)));
				awaitSubscriber(key);
				// The release's notification goes out while the subscription is down: it is lost.
				redis.server().killClients("pubsub");
				long releasedAt = System.nanoTime();
				held.unlock();
				LockResult result = waiting.await();
				Duration handOver = Duration.ofNanos(System.nanoTime() - releasedAt);
				assertThat(result.acquired()).isTrue();
				handOvers.add(handOver);
				missed += (handOver.toMillis() > 100) ? 1 : 0;
				waiting.unlock();
			}
		}
		ReliabilityReport.add(new ReliabilityReport.Row(70, "7",
				"Lost wake-ups: pub/sub connections killed before each release", trials, "-", "-", "-",
				handOvers.summary(), "-", "wake-ups missed (hand-over over 100 ms): " + missed + "; bound "
						+ fallbackBound.toMillis() + " ms"));
		assertThat(handOvers.max()).isLessThanOrEqualTo(fallbackBound);
		Residue.check(redis.server(), Duration.ofSeconds(1));
	}

	private static void awaitSubscriber(String key) throws InterruptedException {
		String channel = "lock:" + key;
		try (Jedis jedis = redis.server().jedis()) {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (jedis.pubsubNumSub(channel).get(channel) < 1) {
				assertThat(System.nanoTime() - deadline).as("subscribers of " + channel).isNegative();
				Thread.sleep(5);
			}
		}
	}

	@Test
	void unusualKeysAtScaleAreIsolatedAndOverLongKeysAreRejected() throws Exception {
		assertThatIllegalArgumentException().isThrownBy(() -> LockRequest.of("x".repeat(1025), Duration.ofSeconds(1)))
			.withMessageContaining("1025 characters long, more than the 1024 allowed");
		int perFamily = ReliabilityReport.size("bad-input-keys-per-family", 500, 5_000);
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < perFamily; i++) {
			keys.add("ключ-🔒-" + i);
			keys.add("{tenant}:" + i);
			keys.add("{tenant" + i + "}:x:{y}");
			keys.add("a:b:" + i + ":");
		}
		keys.add("x".repeat(1024));
		keys.add("x".repeat(1023) + "{");
		long acquired = 0;
		long sampled = 0;
		long sameLock = 0;
		try (TestRedis.Manager first = direct(); TestRedis.Manager second = direct()) {
			List<LockHandle> handles = new ArrayList<>();
			for (String key : keys) {
				// No wait: a key that collided with another held one would not be acquired.
				LockHandle handle = first.locks().lock(LockRequest.of(key, Duration.ofSeconds(30)));
				acquired += handle.await().acquired() ? 1 : 0;
				handles.add(handle);
			}
			long redisKeys = redis.server().lockKeyCount();
			for (int i = 0; i < keys.size(); i += Math.max(1, keys.size() / 200)) {
				sampled++;
				String key = keys.get(i);
				sameLock += second.locks().lock(LockRequest.of(key, Duration.ofSeconds(30))).await().acquired() ? 0 : 1;
				sameLock += (Long) redis.server().command("EXISTS", "lock:" + key) == 1 ? 0 : -1;
			}
			handles.forEach(LockHandle::unlock);
			ReliabilityReport.add(new ReliabilityReport.Row(100, "10",
					"Bad input at scale: unicode, {braces}, colons, 1024-character keys; 1025 rejected", keys.size(),
					"-", "-", "-", "-", "-", "acquired at once, each its own Redis key: " + acquired + " (Redis keys: "
							+ redisKeys + "); sampled keys held by the other process under their exact name: "
							+ sameLock + "/" + sampled));
			assertThat(acquired).isEqualTo(keys.size());
			assertThat(redisKeys).isEqualTo(keys.size());
			assertThat(sameLock).isEqualTo(sampled);
		}
		Residue.check(redis.server(), Duration.ofSeconds(1));
	}

}
