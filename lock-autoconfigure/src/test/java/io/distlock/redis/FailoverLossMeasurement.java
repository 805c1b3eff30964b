package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import redis.clients.jedis.Jedis;

import io.distlock.core.LockHandle;
import io.distlock.core.LockListener;
import io.distlock.core.LockResult;
import io.distlock.core.LockSettings;
import io.distlock.testsupport.RedisOptions;
import io.distlock.testsupport.RedisServer;

/**
 * Measures how many acquisitions a failover loses, with {@code distlock.redis.replica-acks} 0
 * and 1: 1 000 locks are requested at once from one manager, the primary is killed with
 * SIGKILL the moment half of them are reported acquired, and every lock reported acquired is
 * looked up on the replica a failover would promote. Not part of the default build (the name
 * does not end in {@code Tests}); run it with
 * {@code ./mvnw -pl lock-autoconfigure -am test -Dtest=FailoverLossMeasurement -Dsurefire.failIfNoSpecifiedTests=false}
 * and read the figures it prints.
 */
class FailoverLossMeasurement {

	private static final int LOCKS = 1000;

	private static final int ROUNDS = 5;

	@Test
	void measure() {
		for (int acks : new int[] { 0, 1 }) {
			int acquired = 0;
			int lost = 0;
			for (int round = 0; round < ROUNDS; round++) {
				int[] outcome = round(acks);
				acquired += outcome[0];
				lost += outcome[1];
			}
			System.out.printf("replica-acks=%d: %d rounds, %d locks reported acquired before the kill completed, "
					+ "%d missing on the replica (%.2f%%)%n", acks, ROUNDS, acquired, lost, 100.0 * lost / acquired);
		}
	}

	private static int[] round(int acks) {
		try (RedisServer primary = RedisServer.start();
				RedisServer replica = RedisServer.start(
						RedisOptions.defaults().with("replicaof", primary.host(), Integer.toString(primary.port())))) {
			ClusterIntegrationTests.awaitUntil(
					() -> ((String) replica.command("INFO", "replication")).contains("master_link_status:up"),
					"the replica in sync");
			JedisConnectionFactory connections = TestRedis.connectionFactory(primary.host(), primary.port());
			RedisLockOptions options = RedisLockOptions.DEFAULTS.withReplicaAcks(acks, Duration.ofMillis(500));
			List<String> acquiredKeys = new ArrayList<>();
			try (RedisLockManager locks = new RedisLockManager(connections, options, LockSettings.DEFAULTS,
					LockListener.NO_OP)) {
				AtomicInteger reported = new AtomicInteger();
				CompletableFuture<Void> half = new CompletableFuture<>();
				List<LockHandle> handles = new ArrayList<>();
				for (int i = 0; i < LOCKS; i++) {
					LockHandle handle = locks.lock("account:" + i, Duration.ofSeconds(60), Duration.ofSeconds(3));
					handle.result().thenAccept((result) -> {
						if (result.acquired() && reported.incrementAndGet() == LOCKS / 2) {
							half.complete(null);
						}
					});
					handles.add(handle);
				}
				half.join();
				primary.kill();
				for (int i = 0; i < LOCKS; i++) {
					LockResult result = handles.get(i).await();
					if (result.acquired()) {
						acquiredKeys.add("lock:account:" + i);
					}
				}
			}
			finally {
				connections.destroy();
			}
			int lost = 0;
			try (Jedis jedis = replica.jedis()) {
				for (String key : acquiredKeys) {
					if (!jedis.exists(key)) {
						lost++;
					}
				}
			}
			return new int[] { acquiredKeys.size(), lost };
		}
	}

}
