package io.distlock.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import redis.clients.jedis.Jedis;

import io.distlock.core.LockHandle;
import io.distlock.core.LockListener;
import io.distlock.core.LockResult;
import io.distlock.core.LockSettings;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisClusterTopology;
import io.distlock.testsupport.RedisOptions;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code distlock.redis.replica-acks}: acquisitions count only once a replica has
 * acknowledged them, on a primary with one replica and on a cluster shard with one replica, and a
 * renewal no replica acknowledged does not extend the lease this process counts on.
 */
class ReplicaAcksIntegrationTests {

	private static final Duration ACK_TIMEOUT = Duration.ofMillis(200);

	private static final RedisLockOptions ONE_ACK = RedisLockOptions.DEFAULTS.withReplicaAcks(1, ACK_TIMEOUT);

	@Test
	void acquiresOnlyWhileTheReplicaAcknowledgesOnAPrimaryWithOneReplica() {
		try (RedisServer primary = RedisServer.start();
				RedisServer replica = RedisServer.start(
						RedisOptions.defaults().with("replicaof", primary.host(), Integer.toString(primary.port())))) {
			awaitInSync(replica);
			JedisConnectionFactory connections = TestRedis.connectionFactory(primary.host(), primary.port());
			try {
				assertAcknowledgedAcquisition(connections, primary, replica);
			}
			finally {
				connections.destroy();
			}
		}
	}

	@Test
	void acquiresOnlyWhileTheReplicaAcknowledgesOnAClusterShard() {
		try (RedisClusterTopology cluster = RedisClusterTopology.start(1, 1)) {
			JedisConnectionFactory connections = PubSubSelectionIntegrationTests.clusterConnections(cluster.addresses());
			try {
				assertAcknowledgedAcquisition(connections, cluster.primaries().get(0), cluster.replicas().get(0));
			}
			finally {
				connections.destroy();
			}
		}
	}

	@Test
	void aRenewalNoReplicaAcknowledgedDoesNotExtendTheLease() throws Exception {
		try (RedisServer primary = RedisServer.start();
				RedisServer replica = RedisServer.start(
						RedisOptions.defaults().with("replicaof", primary.host(), Integer.toString(primary.port())))) {
			awaitInSync(replica);
			JedisConnectionFactory connections = TestRedis.connectionFactory(primary.host(), primary.port());
			try (RedisLockManager locks = new RedisLockManager(connections, ONE_ACK, LockSettings.DEFAULTS,
					LockListener.NO_OP)) {
				Duration ttl = Duration.ofMillis(900);
				LockHandle held = locks.lock("renewed", ttl);
				assertThat(held.await().status()).isEqualTo(LockStatus.ACQUIRED);
				Thread.sleep(ttl.toMillis() * 2);
				assertThat(held.isHeld()).as("renewed while the replica acknowledges").isTrue();
				replica.pause();
				long pausedAt = System.nanoTime();
				try {
					held.leaseLost().get(ttl.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
					Duration lostAfter = Duration.ofNanos(System.nanoTime() - pausedAt);
					// The last acknowledged renewal was at most ttl / 3 before the pause, so its lease ended
					// within ttl of it; the loss is known by then, give or take one WAIT timeout.
					assertThat(lostAfter).isLessThanOrEqualTo(ttl.plus(ACK_TIMEOUT).plusMillis(100));
					assertThat(held.isHeld()).isFalse();
				}
				finally {
					replica.resume();
				}
			}
			finally {
				connections.destroy();
			}
		}
	}

	private static void assertAcknowledgedAcquisition(RedisConnectionFactory connections, RedisServer primary,
			RedisServer replica) {
		try (RedisLockManager locks = new RedisLockManager(connections, ONE_ACK, LockSettings.DEFAULTS,
				LockListener.NO_OP)) {
			LockHandle acked = locks.lock("acked", Duration.ofSeconds(5));
			assertThat(acked.await().status()).isEqualTo(LockStatus.ACQUIRED);
			assertThat(existsOnReplica(replica, "lock:acked")).as("replicated before it counted").isTrue();
			acked.unlock();
			primary.scriptFlush();
			LockHandle afterFlush = locks.lock("flushed", Duration.ofSeconds(5));
			assertThat(afterFlush.await().status()).as("NOSCRIPT is answered with the body").isEqualTo(LockStatus.ACQUIRED);
			afterFlush.unlock();
			LockHandle holder = locks.lock("handed", Duration.ofSeconds(5));
			assertThat(holder.await().status()).isEqualTo(LockStatus.ACQUIRED);
			LockHandle next = locks.lock("handed", Duration.ofSeconds(5), Duration.ofSeconds(1));
			replica.pause();
			try {
				holder.unlock();
				assertThat(next.await().status()).as("no unacknowledged hand-off to a local waiter")
					.isEqualTo(LockStatus.TIMED_OUT);
				long start = System.nanoTime();
				LockResult stalled = locks.lock("stalled", Duration.ofSeconds(5), Duration.ofSeconds(1)).await();
				assertThat(stalled.status()).isEqualTo(LockStatus.TIMED_OUT);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1).plus(ACK_TIMEOUT)
					.plus(Duration.ofMillis(500)));
				ClusterIntegrationTests.awaitUntil(() -> primary.command("EXISTS", "lock:stalled").equals(0L),
						"the unacknowledged lock given back");
			}
			finally {
				replica.resume();
			}
			LockHandle resumed = locks.lock("stalled", Duration.ofSeconds(5), Duration.ofSeconds(5));
			assertThat(resumed.await().status()).isEqualTo(LockStatus.ACQUIRED);
			resumed.unlock();
		}
	}

	private static boolean existsOnReplica(RedisServer replica, String key) {
		try (Jedis jedis = replica.jedis()) {
			if (((String) replica.command("INFO", "cluster")).contains("cluster_enabled:1")) {
				// A cluster replica serves reads only to a client that asked for READONLY.
				jedis.readonly();
			}
			return jedis.exists(key);
		}
	}

	private static void awaitInSync(RedisServer replica) {
		ClusterIntegrationTests.awaitUntil(
				() -> ((String) replica.command("INFO", "replication")).contains("master_link_status:up"),
				"the replica in sync");
	}

}
