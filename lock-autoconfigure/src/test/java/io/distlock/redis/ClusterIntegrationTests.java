package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.distlock.core.HeldLock;
import io.distlock.core.HeldLocksPage;
import io.distlock.core.LockHandle;
import io.distlock.core.LockIntrospector;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisClusterTopology;
import io.distlock.testsupport.RedisServer;

import static io.distlock.core.HeldLockAssertions.allPages;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisLockManager} on a Redis Cluster of three primaries, configured only by
 * {@code spring.data.redis.cluster.nodes}.
 */
class ClusterIntegrationTests {

	private static final String[] SLOW_FALLBACK = { "distlock.retry.initial-interval=5s",
			"distlock.retry.max-interval=5s" };

	private static RedisClusterTopology cluster;

	private static RedisServer witnessServer;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterTopology.start(3, 0);
		witnessServer = RedisServer.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
		witnessServer.close();
	}

	@BeforeEach
	void flush() {
		cluster.primaries().forEach(RedisServer::flushAll);
		witnessServer.flushAll();
	}

	private static ApplicationContextRunner runner(String... properties) {
		return TopologyContexts.cluster(cluster.addresses(), properties);
	}

	@Test
	void locksAThousandKeysAcrossAllSlotsFromTwoContextsWithoutError() {
		runner().run((first) -> runner().run((second) -> {
			List<LockManager> managers = List.of(first.getBean(LockManager.class), second.getBean(LockManager.class));
			ExecutorService pool = Executors.newFixedThreadPool(8);
			try {
				List<Future<LockStatus>> outcomes = new ArrayList<>();
				for (int i = 0; i < 1000; i++) {
					LockManager locks = managers.get(i % 2);
					String key = "account:" + i;
					outcomes.add(pool.submit(() -> {
						try (LockHandle handle = locks.lock(key, Duration.ofSeconds(10), Duration.ofSeconds(10))) {
							return handle.await().status();
						}
					}));
				}
				for (Future<LockStatus> outcome : outcomes) {
					assertThat(outcome.get()).isEqualTo(LockStatus.ACQUIRED);
				}
			}
			finally {
				pool.shutdownNow();
			}
			Set<Integer> primariesUsed = new HashSet<>();
			IntStream.range(0, 1000)
				.forEach((i) -> primariesUsed.add(cluster.primaryOf(RedisClusterTopology.slot("lock:account:" + i)).port()));
			assertThat(primariesUsed).hasSize(3);
			for (RedisServer primary : cluster.primaries()) {
				assertThat(primary.lockKeyCount()).isZero();
			}
		}));
	}

	@Test
	void transfersOverKeysOnEveryPrimaryStayExclusiveWhileASlotMigrates() {
		runner().run((first) -> runner().run((second) -> {
			List<LockManager> managers = List.of(first.getBean(LockManager.class), second.getBean(LockManager.class));
			int accounts = 12;
			Set<Integer> primariesUsed = new HashSet<>();
			IntStream.range(0, accounts).forEach((i) -> primariesUsed
				.add(cluster.primaryOf(RedisClusterTopology.slot("lock:transfer:" + i)).port()));
			assertThat(primariesUsed).as("primaries the accounts live on").hasSize(3);
			AtomicIntegerArray inUse = new AtomicIntegerArray(accounts);
			AtomicInteger overlaps = new AtomicInteger();
			AtomicInteger notAcquired = new AtomicInteger();
			AtomicInteger done = new AtomicInteger();
			ExecutorService pool = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> threads = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					LockManager locks = managers.get(t % 2);
					threads.add(pool.submit(() -> {
						ThreadLocalRandom random = ThreadLocalRandom.current();
						for (int i = 0; i < 150; i++) {
							int from = random.nextInt(accounts);
							int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
							try (LockHandle both = locks.lockAll(List.of("transfer:" + from, "transfer:" + to),
									Duration.ofSeconds(10), Duration.ofSeconds(20))) {
								if (!both.await().acquired()) {
									notAcquired.incrementAndGet();
									continue;
								}
								overlaps.addAndGet((inUse.incrementAndGet(from) > 1 ? 1 : 0)
										+ (inUse.incrementAndGet(to) > 1 ? 1 : 0));
								inUse.decrementAndGet(from);
								inUse.decrementAndGet(to);
							}
							done.incrementAndGet();
						}
						return null;
					}));
				}
				awaitUntil(() -> done.get() >= 100, "transfers under way before the migration");
				int slot = RedisClusterTopology.slot("lock:transfer:0");
				RedisServer source = cluster.primaryOf(slot);
				cluster.migrate(slot, cluster.primaries().stream().filter((node) -> node != source).findFirst().orElseThrow());
				for (Future<?> thread : threads) {
					thread.get(2, TimeUnit.MINUTES);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(overlaps).as("transfers that found an account in use").hasValue(0);
			assertThat(notAcquired).as("transfers that did not get both accounts").hasValue(0);
			assertThat(cluster.primaries().stream().mapToLong(RedisServer::lockKeyCount).sum()).isZero();
		}));
	}

	@Test
	void takesKeysThatShareASlotInOneScriptCallAndOneByOneWhileTheSlotIsHalfMoved() {
		runner().run((context) -> {
			LockManager locks = context.getBean(LockManager.class);
			List<String> seats = List.of("{show:7}:seat:1", "{show:7}:seat:2", "{show:7}:seat:3");
			int slot = RedisClusterTopology.slot("lock:{show:7}:seat:1");
			RedisServer node = cluster.primaryOf(slot);
			try (LockHandle warmUp = locks.lockAll(seats, Duration.ofSeconds(30), Duration.ofSeconds(5))) {
				assertThat(warmUp.await().acquired()).as("a first request, which loads the scripts").isTrue();
			}
			long before = node.scriptCalls();
			try (LockHandle all = locks.lockAll(seats, Duration.ofSeconds(30), Duration.ofSeconds(5))) {
				assertThat(all.await().acquired()).isTrue();
				assertThat(node.scriptCalls() - before).as("scripts run to take three keys of one slot").isEqualTo(1);
				assertThat(new HashSet<>(all.fencingTokens().values())).as("the keys' tokens, from one call").hasSize(1);
			}
			RedisServer target = cluster.primaries().stream().filter((other) -> other != node).findFirst().orElseThrow();
			cluster.beginMigration(slot, target, true);
			try {
				try (LockHandle all = locks.lockAll(seats, Duration.ofSeconds(30), Duration.ofSeconds(5))) {
					assertThat(all.await().acquired()).as("the keys of a slot half moved").isTrue();
					assertThat(all.fencingTokens().values()).allSatisfy((token) -> assertThat(token).isPositive());
				}
			}
			finally {
				cluster.migrate(slot, target);
			}
			assertThat(cluster.primaries().stream().mapToLong(RedisServer::lockKeyCount).sum()).isZero();
		});
	}

	@Test
	void eitherContextListsTheLocksOfBothOnEveryPrimaryPageByPage() {
		runner("spring.application.name=orders").run((orders) -> runner("spring.application.name=billing").run((billing) -> {
			List<LockHandle> held = new ArrayList<>();
			Set<Integer> primariesUsed = new HashSet<>();
			for (int i = 0; i < 300; i++) {
				LockManager locks = ((i % 2 == 0) ? orders : billing).getBean(LockManager.class);
				held.add(locks.acquire(LockRequest.of("listed:" + i, Duration.ofSeconds(30)).withName("listed")));
				primariesUsed.add(cluster.primaryOf(RedisClusterTopology.slot("lock:listed:" + i)).port());
			}
			assertThat(primariesUsed).as("primaries the locks live on").hasSize(3);
			Map<String, Long> tokens = new HashMap<>();
			held.forEach((handle) -> tokens.put(handle.key(), handle.fencingToken()));
			for (LockIntrospector view : List.of(orders.getBean(LockIntrospector.class),
					billing.getBean(LockIntrospector.class))) {
				List<HeldLocksPage> pages = allPages((cursor) -> view.backendLocks(cursor, 40));
				List<HeldLock> seen = pages.stream().flatMap((page) -> page.locks().stream()).toList();
				assertThat(seen).as("locks seen, counting duplicates").hasSize(300);
				assertThat(seen).allSatisfy((lock) -> {
					assertThat(lock.fencingToken()).as("token of %s", lock.key()).isEqualTo(tokens.get(lock.key()));
					assertThat(lock.name()).isEqualTo("listed");
					int index = Integer.parseInt(lock.key().substring("listed:".length()));
					assertThat(lock.holder()).startsWith((index % 2 == 0) ? "orders@" : "billing@");
				});
				assertThat(pages).as("pages").hasSizeGreaterThanOrEqualTo(3);
			}
			held.forEach(LockHandle::unlock);
			assertThat(orders.getBean(LockIntrospector.class).backendLocks(null, 40).locks()).isEmpty();
		}));
	}

	@Test
	void aForcedReleaseOnEveryPrimaryWakesTheOtherContextsWaiterAndTheHolderHearsAtItsRenewal() throws Exception {
		runner().run((first) -> runner(SLOW_FALLBACK).run((second) -> {
			Map<Integer, String> keyPerPrimary = new HashMap<>();
			for (int i = 0; keyPerPrimary.size() < 3; i++) {
				String key = "evicted:" + i;
				keyPerPrimary.putIfAbsent(cluster.primaryOf(RedisClusterTopology.slot("lock:" + key)).port(), key);
			}
			Duration ttl = Duration.ofSeconds(3);
			for (String key : keyPerPrimary.values()) {
				LockHandle holder = first.getBean(LockManager.class).acquire(LockRequest.of(key, ttl));
				LockHandle waiter = second.getBean(LockManager.class)
					.lock(LockRequest.of(key, ttl).withWaitTime(Duration.ofSeconds(20)));
				awaitWaiting(cluster, "lock:" + key);
				HeldLock evicted = second.getBean(LockIntrospector.class).forceRelease(key);
				assertThat(evicted).isNotNull();
				assertThat(evicted.fencingToken()).isEqualTo(holder.fencingToken());
				assertThat(waiter.result().get(1, TimeUnit.SECONDS).acquired()).as("woken by the release notice")
					.isTrue();
				assertThat(waiter.fencingToken()).isGreaterThan(holder.fencingToken());
				assertThat(holder.leaseLost().get(ttl.toMillis() + 2_000, TimeUnit.MILLISECONDS).getMessage())
					.contains("an operator released the lock by force");
				holder.unlock();
				assertThat(waiter.isHeld()).isTrue();
				waiter.unlock();
			}
			assertThat(cluster.primaries().stream().mapToLong(RedisServer::lockKeyCount).sum()).isZero();
		}));
	}

	@Test
	void depositsFromTwoContextsOnOneAccountStayExact() {
		runner().run((first) -> runner().run((second) -> {
			List<LockManager> managers = List.of(first.getBean(LockManager.class), second.getBean(LockManager.class));
			try (Witness witness = new Witness(witnessServer.host(), witnessServer.port())) {
				ExecutorService pool = Executors.newFixedThreadPool(6);
				try {
					List<Future<?>> depositors = new ArrayList<>();
					for (int worker = 0; worker < 6; worker++) {
						LockManager locks = managers.get(worker % 2);
						depositors.add(pool.submit(() -> deposit(locks, 25)));
					}
					for (Future<?> depositor : depositors) {
						depositor.get();
					}
				}
				finally {
					pool.shutdownNow();
				}
				assertThat(witness.count("overlaps")).isZero();
				assertThat(witness.count("counter")).isEqualTo(150);
			}
		}));
	}

	private static Void deposit(LockManager locks, int times) throws InterruptedException {
		try (Witness witness = new Witness(witnessServer.host(), witnessServer.port())) {
			for (int i = 0; i < times; i++) {
				try (LockHandle handle = locks.lock("ledger:1", Duration.ofSeconds(10), Duration.ofSeconds(20))) {
					assertThat(handle.await().status()).isEqualTo(LockStatus.ACQUIRED);
					witness.enter();
					witness.increment(1);
					witness.exit();
				}
			}
		}
		return null;
	}

	@Test
	void wakesAWaiterInAnotherContextOnReleaseNotByTheFallback() {
		runner(SLOW_FALLBACK).run((first) -> runner(SLOW_FALLBACK).run((second) -> {
			LockHandle holder = first.getBean(LockManager.class).lock("report", Duration.ofSeconds(30));
			assertThat(holder.await().acquired()).isTrue();
			LockHandle waiter = second.getBean(LockManager.class)
				.lock("report", Duration.ofSeconds(30), Duration.ofSeconds(20));
			awaitWaiting(cluster, "lock:report");
			RedisServer owner = cluster.primaryOf(RedisClusterTopology.slot("lock:report"));
			if (Integer.parseInt(owner.version().split("\\.")[0]) >= 7) {
				awaitUntil(() -> List.of("lock:report", 1L)
					.equals(owner.command("PUBSUB", "SHARDNUMSUB", "lock:report")), "a sharded subscription");
			}
			long released = System.nanoTime();
			holder.unlock();
			LockResult result = waiter.await();
			assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(1));
			waiter.unlock();
		}));
	}

	@Test
	void holderReleasesAndWaitersAreWokenAfterTheSlotMovesMidHold() {
		runner().run((first) -> runner(SLOW_FALLBACK).run((second) -> {
			String redisKey = "lock:migrating";
			int slot = RedisClusterTopology.slot(redisKey);
			LockHandle holder = first.getBean(LockManager.class).lock("migrating", Duration.ofSeconds(30));
			long token = holder.await().fencingToken();
			LockHandle waiter = second.getBean(LockManager.class)
				.lock("migrating", Duration.ofSeconds(30), Duration.ofSeconds(20));
			awaitWaiting(cluster, redisKey);
			RedisServer source = cluster.primaryOf(slot);
			RedisServer target = cluster.primaries().stream().filter((node) -> node != source).findFirst().orElseThrow();
			cluster.migrate(slot, target);
			assertThat(target.command("EXISTS", redisKey)).isEqualTo(1L);
			if (Integer.parseInt(target.version().split("\\.")[0]) >= 7) {
				awaitUntil(() -> List.of(redisKey, 1L).equals(target.command("PUBSUB", "SHARDNUMSUB", redisKey)),
						"the sharded subscription moved with the slot");
			}
			assertThat(holder.isHeld()).isTrue();
			long released = System.nanoTime();
			holder.unlock();
			LockResult result = waiter.await();
			assertThat(result.status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(1));
			assertThat(result.fencingToken()).isGreaterThan(token);
			waiter.unlock();
			assertThat(target.command("EXISTS", redisKey)).isEqualTo(0L);
		}));
	}

	@Test
	void followsAskRedirectsWhileASlotIsHalfMoved() {
		runner().run((context) -> {
			LockManager locks = context.getBean(LockManager.class);
			String redisKey = "lock:half-moved";
			int slot = RedisClusterTopology.slot(redisKey);
			LockHandle holder = locks.lock("half-moved", Duration.ofSeconds(30));
			assertThat(holder.await().acquired()).isTrue();
			RedisServer source = cluster.primaryOf(slot);
			RedisServer target = cluster.primaries().stream().filter((node) -> node != source).findFirst().orElseThrow();
			cluster.beginMigration(slot, target, true);
			try {
				holder.unlock();
				LockHandle again = locks.lock("half-moved", Duration.ofSeconds(30));
				assertThat(again.await().status()).isEqualTo(LockStatus.ACQUIRED);
				again.unlock();
			}
			finally {
				cluster.migrate(slot, target);
			}
			assertThat(target.command("EXISTS", redisKey)).isEqualTo(0L);
		});
	}

	@Test
	void runsScriptsOnTheFactorysClusterClientAlsoAfterEveryNodeLostItsScripts() {
		runner().run((context) -> {
			PooledScriptClient client = PooledScriptClient.find(context.getBean(RedisConnectionFactory.class));
			assertThat(client).isNotNull();
			assertThat(ClusterClient.of(client.client())).as("the factory's cluster client").isNotNull();
			LockManager locks = context.getBean(LockManager.class);
			for (int round = 0; round < 2; round++) {
				for (int i = 0; i < 30; i++) {
					try (LockHandle handle = locks.acquire(LockRequest.of("scripts:" + i, Duration.ofSeconds(30)))) {
						assertThat(handle.fencingToken()).isPositive();
					}
				}
				cluster.primaries().forEach(RedisServer::scriptFlush);
			}
			assertThat(cluster.primaries().stream().mapToLong(RedisServer::lockKeyCount).sum()).isZero();
		});
	}

	static void awaitWaiting(RedisClusterTopology cluster, String redisKey) {
		RedisServer owner = cluster.primaryOf(RedisClusterTopology.slot(redisKey));
		awaitUntil(() -> ((List<?>) owner.command("HKEYS", redisKey)).stream()
			.anyMatch((field) -> ((String) field).startsWith("w:")), "a waiter's mark on " + redisKey);
	}

	static void awaitUntil(BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

}
