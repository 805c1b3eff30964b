package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LockManager#lockAll} on a real Redis, with two managers standing for two
 * processes: all of a set of keys or none, no deadlock in any order, each key's own token.
 */
class MultiKeyLockIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(10);

	private static final int ACCOUNTS = 10;

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	final LockFixture fixture = new LockFixture(redis);

	@Test
	void transfersInEitherOrderNeverOverlapNorDeadlockAndConserveTheTotal() throws Exception {
		transfer(List.of(this.fixture.manager(), this.fixture.manager()), 8, 150);
	}

	/** Many requests of one process queue on its lanes, which take keys together when free. */
	@Test
	void transfersOfManyThreadsInOneProcessNeverOverlapNorDeadlockNorLeaveAKeyHeld() throws Exception {
		transfer(List.of(this.fixture.manager()), 24, 500);
	}

	private void transfer(List<LockManager> processes, int threadCount, int transfers) throws Exception {
		long[] balances = new long[ACCOUNTS];
		Arrays.fill(balances, 1_000);
		AtomicIntegerArray inUse = new AtomicIntegerArray(ACCOUNTS);
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger notAcquired = new AtomicInteger();
		List<CompletableFuture<Void>> threads = new ArrayList<>();
		for (int t = 0; t < threadCount; t++) {
			LockManager locks = processes.get(t % processes.size());
			threads.add(CompletableFuture.runAsync(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < transfers; i++) {
					int from = random.nextInt(ACCOUNTS);
					int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
					try (LockHandle handle = locks.lockAll(List.of("account:" + from, "account:" + to), TTL,
							Duration.ofSeconds(20))) {
						if (!handle.await().acquired()) {
							notAcquired.incrementAndGet();
							continue;
						}
						enter(inUse, overlaps, from, to);
						long amount = random.nextLong(1, 50);
						balances[from] -= amount;
						Thread.onSpinWait();
						balances[to] += amount;
						inUse.decrementAndGet(from);
						inUse.decrementAndGet(to);
					}
				}
			}, runnable -> new Thread(runnable).start()));
		}
		CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
		assertThat(overlaps).as("transfers that found an account in use").hasValue(0);
		assertThat(notAcquired).as("transfers that did not get both accounts within the bound").hasValue(0);
		assertThat(Arrays.stream(balances).sum()).as("total balance").isEqualTo(ACCOUNTS * 1_000L);
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	private static void enter(AtomicIntegerArray inUse, AtomicInteger overlaps, int from, int to) {
		if (inUse.incrementAndGet(from) > 1) {
			overlaps.incrementAndGet();
		}
		if (inUse.incrementAndGet(to) > 1) {
			overlaps.incrementAndGet();
		}
	}

	@Test
	void holdsEveryKeyWithItsOwnTokenAndReleasesThemTogether() {
		LockManager locks = this.fixture.manager();
		LockHandle handle = locks.lockAll(List.of("seat:9", "seat:2", "seat:9"), TTL, Duration.ofSeconds(5));
		LockResult result = handle.await();
		assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
		Map<String, Long> tokens = handle.fencingTokens();
		assertThat(tokens.keySet()).as("keys once each, in order").containsExactly("seat:2", "seat:9");
		for (Map.Entry<String, Long> token : tokens.entrySet()) {
			assertThat(Long.parseLong(this.fixture.jedis().hget("lock:" + token.getKey(), "f")))
				.as("token of %s in Redis", token.getKey())
				.isEqualTo(token.getValue());
		}
		assertThat(handle.fencingToken()).isEqualTo(result.fencingToken()).isEqualTo(tokens.get("seat:2"));
		assertThat(handle.key()).isEqualTo("seat:2");
		assertThat(handle.isHeld()).isTrue();
		handle.unlock();
		assertThat(handle.isHeld()).isFalse();
		assertThat(this.fixture.lockKeyCount()).isZero();

		try (LockHandle again = locks.lockAll(List.of("seat:2", "seat:9"), TTL, Duration.ofSeconds(5))) {
			assertThat(again.await().acquired()).isTrue();
			assertThat(again.fencingTokens().get("seat:2")).isGreaterThan(tokens.get("seat:2"));
			assertThat(again.fencingTokens().get("seat:9")).isGreaterThan(tokens.get("seat:9"));
		}
	}

	@Test
	void takesEveryKeyInOneScriptCallAndReleasesEachWithItsOwn() {
		LockManager locks = this.fixture.manager();
		List<String> keys = List.of("row:3", "row:1", "row:2");
		try (LockHandle warmUp = locks.lockAll(keys, TTL, Duration.ofSeconds(5))) {
			assertThat(warmUp.await().acquired()).as("a first request, which loads the scripts").isTrue();
		}
		long before = this.fixture.scriptCalls();
		try (LockHandle handle = locks.lockAll(keys, TTL, Duration.ofSeconds(5))) {
			assertThat(handle.await().acquired()).isTrue();
			assertThat(this.fixture.scriptCalls() - before).as("scripts run to take three keys").isEqualTo(1);
			for (Map.Entry<String, Long> token : handle.fencingTokens().entrySet()) {
				assertThat(this.fixture.jedis().hget("lock:" + token.getKey(), "f")).as("token of %s in Redis", token.getKey())
					.isEqualTo(Long.toString(token.getValue()));
				assertThat(this.fixture.jedis().pttl("lock:" + token.getKey())).as("lease of %s", token.getKey())
					.isPositive();
			}
		}
		assertThat(this.fixture.scriptCalls() - before).as("scripts run to take and release three keys").isEqualTo(4);
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void takesTheFreeKeysBeforeABusyOneAndTheRestOnlyOnceItIsFree() throws Exception {
		LockManager other = this.fixture.manager();
		LockManager locks = this.fixture.manager();
		LockHandle held = other.acquire(LockRequest.of("m:2", TTL));
		LockHandle handle = locks.lockAll(List.of("m:3", "m:2", "m:1"), TTL, Duration.ofSeconds(20));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.fixture.jedis().exists("lock:m:1"));
		Thread.sleep(200);
		assertThat(handle.result()).as("the request while m:2 is held").isNotDone();
		assertThat(this.fixture.jedis().exists("lock:m:3")).as("the key after the busy one, taken out of order")
			.isFalse();
		try (LockHandle third = other.lock("m:3", TTL, Duration.ZERO)) {
			assertThat(third.await().acquired()).as("m:3 is free for others meanwhile").isTrue();
		}
		long heldToken = held.fencingToken();
		held.unlock();
		assertThat(handle.result().get(5, TimeUnit.SECONDS).acquired()).isTrue();
		assertThat(handle.fencingTokens().get("m:2")).isGreaterThan(heldToken);
		assertThat(handle.fencingTokens().keySet()).containsExactly("m:1", "m:2", "m:3");
		assertThat(handle.isHeld()).isTrue();
		handle.unlock();
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void aRequestWhoseSecondKeyStaysHeldTimesOutHoldingNoneOfItsKeys() {
		LockManager other = this.fixture.manager();
		LockManager locks = this.fixture.manager();
		try (LockHandle held = other.acquire(LockRequest.of("b", TTL))) {
			LockHandle handle = locks.lockAll(List.of("a", "b"), TTL, Duration.ofMillis(300));
			assertThat(handle.await().status()).isEqualTo(LockStatus.TIMED_OUT);
			assertThat(handle.isHeld()).isFalse();
			assertThat(handle.fencingTokens()).containsEntry("a", -1L).containsEntry("b", -1L);
			assertThat(this.fixture.jedis().exists("lock:a")).as("the first key, once the request ended").isFalse();
			try (LockHandle first = other.lock("a", TTL, Duration.ZERO)) {
				assertThat(first.await().acquired()).as("the first key is free at once").isTrue();
			}
			assertThat(held.isHeld()).isTrue();
		}
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void cancellingOrInterruptingWhileTheSecondKeyWaitsReleasesTheFirst() throws Exception {
		LockManager other = this.fixture.manager();
		LockManager locks = this.fixture.manager();
		try (LockHandle held = other.acquire(LockRequest.of("d", TTL))) {
			LockHandle cancelled = locks.lockAll(List.of("c", "d"), TTL, Duration.ofSeconds(20));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.fixture.jedis().exists("lock:c"));
			cancelled.cancel();
			assertThat(cancelled.result().get(5, TimeUnit.SECONDS).status()).isEqualTo(LockStatus.CANCELLED);
			assertThat(this.fixture.jedis().exists("lock:c")).isFalse();

			LockHandle interrupted = locks.lockAll(List.of("c", "d"), TTL, Duration.ofSeconds(20));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.fixture.jedis().exists("lock:c"));
			CompletableFuture<LockResult> outcome = new CompletableFuture<>();
			Thread waiter = new Thread(() -> outcome.complete(interrupted.await()));
			waiter.start();
			Thread.sleep(100);
			waiter.interrupt();
			assertThat(outcome.get(5, TimeUnit.SECONDS).status()).isEqualTo(LockStatus.CANCELLED);
			assertThat(this.fixture.jedis().exists("lock:c")).isFalse();
		}
		// Withdrawing the wait mark on "d" is advisory and may still be on its way when "d" is
		// released: the release then reserves "d" for this process for the fair hand-over window.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.fixture.lockKeyCount() == 0);
	}

	@Test
	void losingAnyKeysLeaseMarksTheWholeHandleLost() throws Exception {
		LockManager locks = this.fixture.manager();
		LockHandle handle = locks.lockAll(List.of("e", "f"), Duration.ofMillis(600), Duration.ofSeconds(5));
		assertThat(handle.await().acquired()).isTrue();
		this.fixture.jedis().del("lock:f");
		assertThat(handle.leaseLost().get(5, TimeUnit.SECONDS)).hasMessageContaining("f");
		assertThat(handle.isHeld()).isFalse();
		handle.unlock();
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

	@Test
	void rejectsAnEmptySetAndANullKey() {
		LockManager locks = this.fixture.manager();
		assertThatIllegalArgumentException().isThrownBy(() -> locks.lockAll(List.of(), TTL, TTL))
			.withMessageContaining("at least one key");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> locks.lockAll(Arrays.asList("g", null), TTL, TTL))
			.withMessageContaining("must not be null");
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

}
