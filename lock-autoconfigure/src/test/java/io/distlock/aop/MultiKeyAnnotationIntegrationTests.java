package io.distlock.aop;

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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

import io.distlock.annotation.DistributedLock;
import io.distlock.core.LockContext;
import io.distlock.core.LockHandle;
import io.distlock.crossprocess.Backend;
import io.distlock.testsupport.RedisExtension;
import io.distlock.zookeeper.ZooKeeperServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@code @DistributedLock} whose key expression yields a collection or an array: the
 * method runs holding every key, transfers given in either order neither overlap nor deadlock,
 * on Redis and on ZooKeeper, and an empty collection or a null element is refused naming the
 * method and expression.
 */
class MultiKeyAnnotationIntegrationTests {

	private static final int ACCOUNTS = 10;

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	private static ApplicationContextRunner runner(Backend backend) {
		return LockTestContexts.runner(backend, redis.server(), zookeeper).withBean(Bank.class);
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@ParameterizedTest
	@EnumSource
	void transfersHoldBothAccountsAndNeverOverlapNorDeadlock(Backend backend) {
		runner(backend).run((context) -> {
			Bank bank = context.getBean(Bank.class);
			List<CompletableFuture<Void>> threads = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				threads.add(CompletableFuture.runAsync(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int i = 0; i < 150; i++) {
						int from = random.nextInt(ACCOUNTS);
						int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
						bank.transfer(from, to, random.nextLong(1, 50));
					}
				}, (runnable) -> new Thread(runnable).start()));
			}
			CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
			assertThat(bank.overlaps()).as("transfers that found an account in use").isZero();
			assertThat(bank.total()).as("total balance").isEqualTo(ACCOUNTS * 1_000L);
			assertThat(bank.tokensSeen()).as("transfers that saw a token for both accounts").isEqualTo(8 * 150);
			assertThat(LockTestContexts.locksLeft(backend, redis.server(), zookeeper)).isZero();
		});
	}

	@Test
	void anEmptySetOrANullKeyIsRefusedAndTheMethodDoesNotRun() {
		runner(Backend.REDIS).run((context) -> {
			Bank bank = context.getBean(Bank.class);
			assertThatIllegalArgumentException().isThrownBy(() -> bank.audit(List.of()))
				.withMessageContaining(Bank.class.getName() + ".audit")
				.withMessageContaining("attribute 'key' = \"#accounts\"")
				.withMessageContaining("evaluated to an empty collection");
			assertThatIllegalArgumentException().isThrownBy(() -> bank.audit(Arrays.asList("1", null)))
				.withMessageContaining("attribute 'key' = \"#accounts\"")
				.withMessageContaining("null");
			assertThatIllegalArgumentException().isThrownBy(() -> bank.auditArray(new String[0]))
				.withMessageContaining("evaluated to an empty array");
			assertThat(bank.audits()).isZero();
			assertThat(bank.auditArray(new String[] { "3", "4", "3" })).as("keys locked").isEqualTo(2);
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void aMonoAndAFutureHoldEveryKeyUntilTheyComplete() {
		runner(Backend.REDIS).run((context) -> {
			Bank bank = context.getBean(Bank.class);
			Map<String, Long> tokens = bank.reactiveTokens(1, 2).block(Duration.ofSeconds(10));
			assertThat(tokens).containsOnlyKeys("account:1", "account:2")
				.allSatisfy((key, token) -> assertThat(token).isPositive());
			assertThat(redis.server().lockKeyCount()).as("released once the Mono completed").isZero();

			CompletableFuture<Void> finish = new CompletableFuture<>();
			CompletableFuture<Void> settled = bank.settleLater(3, 4, finish);
			try (var jedis = redis.server().jedis()) {
				assertThat(jedis.exists("lock:account:3", "lock:account:4")).as("keys held while the future runs")
					.isEqualTo(2);
				finish.complete(null);
				settled.get(10, TimeUnit.SECONDS);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.server().lockKeyCount() == 0);
		});
	}

	/**
	 * Accounts guarded only by the lock, with a witness of overlapping transfers.
	 */
	static class Bank {

		private final long[] balances = new long[ACCOUNTS];

		private final AtomicIntegerArray inUse = new AtomicIntegerArray(ACCOUNTS);

		private final AtomicInteger overlaps = new AtomicInteger();

		private final AtomicInteger tokensSeen = new AtomicInteger();

		private final AtomicInteger audits = new AtomicInteger();

		Bank() {
			Arrays.fill(this.balances, 1_000);
		}

		@DistributedLock(name = "account", key = "{#from, #to}", ttl = "10s", waitTime = "20s")
		void transfer(int from, int to, long amount) {
			enter(from);
			enter(to);
			LockHandle handle = LockContext.current().orElseThrow();
			if (handle.isHeld() && handle.fencingTokens().size() == 2
					&& handle.fencingTokens().values().stream().allMatch((token) -> token > 0)) {
				this.tokensSeen.incrementAndGet();
			}
			this.balances[from] -= amount;
			Thread.onSpinWait();
			this.balances[to] += amount;
			this.inUse.decrementAndGet(from);
			this.inUse.decrementAndGet(to);
		}

		@DistributedLock(name = "audit", key = "#accounts", ttl = "10s", waitTime = "1s")
		void audit(List<String> accounts) {
			this.audits.incrementAndGet();
		}

		@DistributedLock(name = "audit", key = "#accounts", ttl = "10s", waitTime = "1s")
		int auditArray(String[] accounts) {
			this.audits.incrementAndGet();
			return LockContext.current().orElseThrow().fencingTokens().size();
		}

		@DistributedLock(name = "account", key = "{#from, #to}", ttl = "10s", waitTime = "5s")
		public Mono<Map<String, Long>> reactiveTokens(int from, int to) {
			return Mono.deferContextual((context) -> Mono.just(context.get(LockHandle.class).fencingTokens()));
		}

		@DistributedLock(name = "account", key = "{#from, #to}", ttl = "10s", waitTime = "5s")
		public CompletableFuture<Void> settleLater(int from, int to, CompletableFuture<Void> until) {
			return until.thenApply((ignored) -> null);
		}

		private void enter(int account) {
			if (this.inUse.incrementAndGet(account) > 1) {
				this.overlaps.incrementAndGet();
			}
		}

		int overlaps() {
			return this.overlaps.get();
		}

		long total() {
			return Arrays.stream(this.balances).sum();
		}

		int tokensSeen() {
			return this.tokensSeen.get();
		}

		int audits() {
			return this.audits.get();
		}

	}

}
