package io.distlock.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import redis.clients.jedis.Jedis;

import io.distlock.annotation.DistributedLock;
import io.distlock.autoconfigure.metrics.DistributedLockMetricsAutoConfiguration;
import io.distlock.core.LibraryThreads;
import io.distlock.core.LockContext;
import io.distlock.testsupport.RedisClusterTopology;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that one process keeps thousands of short leases at once, through {@link DistributedLockAspect}
 * on a {@code CompletableFuture} method whose locks last until the returned stages complete: none is
 * lost, each key is in Redis while held, the process's thread count stays put and distlock's own
 * threads within their fixed set, and nothing is left afterwards; on one server and on a cluster
 * of three primaries.
 */
class HeldLocksIntegrationTests {

	private static final int LOCKS = 3000;

	private static final Duration HOLD = Duration.ofSeconds(10);

	/** Generous for a fixed set of engine threads; a thread per lock or per renewal would be thousands. */
	private static final int MAX_NEW_THREADS = 32;

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void keepsThreeThousandLeasesOf600msForTenSecondsWithNoneLost() {
		holdAndCheck(LockTestContexts.runner(redis.server()), List.of(redis.server()), LibraryThreads.perManager(1));
	}

	@Test
	void keepsThemOnAClusterOfThreePrimariesWithKeysOnEveryPrimary() {
		try (RedisClusterTopology cluster = RedisClusterTopology.start(3, 0)) {
			// Sharded pub/sub: a router thread and one subscriber per primary.
			holdAndCheck(LockTestContexts.clusterRunner(cluster.addresses()), cluster.primaries(),
					LibraryThreads.perManager(1 + cluster.primaries().size()));
		}
	}

	private void holdAndCheck(ApplicationContextRunner topology, List<RedisServer> primaries, int maxLibraryThreads) {
		topology.withConfiguration(AutoConfigurations.of(DistributedLockMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, () -> this.meters)
			.withBean(FanOut.class)
			.run((context) -> {
				FanOut fanOut = context.getBean(FanOut.class);
				CompletableFuture<Void> warmUp = new CompletableFuture<>();
				CompletableFuture<Void> warmed = fanOut.hold(-1, warmUp);
				warmUp.complete(null);
				warmed.get(10, TimeUnit.SECONDS);
				int threadsBefore = Thread.activeCount();
				CompletableFuture<Void> done = new CompletableFuture<>();
				List<CompletableFuture<Void>> held = new ArrayList<>(LOCKS);
				try (LibraryThreads library = LibraryThreads.sample()) {
					for (int i = 0; i < LOCKS; i++) {
						held.add(fanOut.hold(i, done));
					}
					Thread.sleep(HOLD.toMillis() / 2);
					List<Integer> perPrimary = keysPresent(primaries);
					assertThat(perPrimary.stream().mapToInt(Integer::intValue).sum()).as("lock keys in Redis half-way")
						.isEqualTo(LOCKS);
					assertThat(perPrimary).as("lock keys on each primary").allMatch((keys) -> keys > 0);
					int peakThreads = Thread.activeCount();
					Thread.sleep(HOLD.toMillis() / 2);
					assertThat(fanOut.lost()).as("leases reported lost to their handles").isZero();
					assertThat(this.meters.counter("distlock.lost", "name", "held").count()).as("distlock.lost").isZero();
					assertThat(keysPresent(primaries).stream().mapToInt(Integer::intValue).sum())
						.as("lock keys in Redis at the end").isEqualTo(LOCKS);
					assertThat(peakThreads - threadsBefore).as("threads added while holding")
						.isLessThanOrEqualTo(MAX_NEW_THREADS);
					assertThat(library.peak()).as("library threads while holding").isBetween(1, maxLibraryThreads);
				}
				done.complete(null);
				CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> primaries.stream().mapToLong(RedisServer::lockKeyCount).sum() == 0);
			});
	}

	private static List<Integer> keysPresent(List<RedisServer> primaries) {
		List<Integer> counts = new ArrayList<>();
		for (RedisServer primary : primaries) {
			try (Jedis jedis = primary.jedis()) {
				counts.add(jedis.keys("lock:held:*").size());
			}
		}
		return counts;
	}

	/**
	 * Takes a lock per id that lasts until {@code until} completes, and counts leases lost meanwhile.
	 */
	static class FanOut {

		private final AtomicInteger lost = new AtomicInteger();

		@DistributedLock(name = "held", key = "#id", ttl = "600ms", waitTime = "5s")
		CompletableFuture<Void> hold(int id, CompletableFuture<Void> until) {
			LockContext.current().orElseThrow().leaseLost().thenRun(this.lost::incrementAndGet);
			return until.thenApply((ignored) -> null);
		}

		int lost() {
			return this.lost.get();
		}

	}

}
