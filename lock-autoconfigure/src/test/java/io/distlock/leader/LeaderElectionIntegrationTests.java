package io.distlock.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import io.distlock.redis.TestRedis;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LeaderElection} on {@link io.distlock.redis.RedisLockManager} against a real
 * redis-server.
 */
class LeaderElectionIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	private LeaderElection election(String name, Duration ttl, LeadershipListener listener) {
		RedisServer server = redis.server();
		TestRedis.Manager manager = TestRedis.Manager.start(server.host(), server.port());
		this.resources.add(manager);
		LeaderElection election = new LeaderElection(manager.locks(), name, ttl, listener);
		this.resources.add(election);
		return election;
	}

	@Test
	void oneNodeLeadsAndStoppingHandsOverWithinASecond() throws Exception {
		RecordingLeadershipListener firstEvents = new RecordingLeadershipListener();
		RecordingLeadershipListener secondEvents = new RecordingLeadershipListener();
		LeaderElection first = election("orders", Duration.ofSeconds(30), firstEvents);
		LeaderElection second = election("orders", Duration.ofSeconds(30), secondEvents);
		first.start();
		LeadershipGrantedEvent granted = firstEvents.next(LeadershipGrantedEvent.class, Duration.ofSeconds(5));
		second.start();
		Thread.sleep(200);
		assertThat(first.isLeader()).isTrue();
		assertThat(first.fencingToken()).isEqualTo(granted.fencingToken()).isPositive();
		assertThat(first.leaderSince()).isPresent();
		assertThat(second.isLeader()).isFalse();
		assertThat(second.fencingToken()).isEqualTo(-1);
		assertThat(secondEvents.isEmpty()).isTrue();

		long stoppedAt = System.nanoTime();
		first.stop();
		LeadershipRevokedEvent revoked = firstEvents.next(LeadershipRevokedEvent.class, Duration.ofSeconds(1));
		assertThat(revoked.reason()).isEqualTo(RevocationReason.YIELDED);
		assertThat(revoked.fencingToken()).isEqualTo(granted.fencingToken());
		LeadershipGrantedEvent next = secondEvents.next(LeadershipGrantedEvent.class, Duration.ofSeconds(1));
		assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(1));
		assertThat(next.fencingToken()).isGreaterThan(granted.fencingToken());
		assertThat(first.isLeader()).isFalse();
		assertThat(second.isLeader()).isTrue();
		second.stop();
		assertThat(redis.server().lockKeyCount()).isZero();
	}

	@Test
	void lostLeaseRevokesAtOnceThenTheNodeContendsAgain() throws Exception {
		RecordingLeadershipListener events = new RecordingLeadershipListener();
		LeaderElection election = election("billing", Duration.ofMillis(300), events);
		election.start();
		long firstTerm = events.next(LeadershipGrantedEvent.class, Duration.ofSeconds(5)).fencingToken();
		try (Jedis jedis = redis.server().jedis()) {
			jedis.del("lock:leader:billing");
		}
		LeadershipRevokedEvent revoked = events.next(LeadershipRevokedEvent.class, Duration.ofSeconds(1));
		assertThat(revoked.reason()).isEqualTo(RevocationReason.LEASE_LOST);
		assertThat(revoked.fencingToken()).isEqualTo(firstTerm);
		long secondTerm = events.next(LeadershipGrantedEvent.class, Duration.ofSeconds(5)).fencingToken();
		assertThat(secondTerm).isGreaterThan(firstTerm);
		assertThat(election.isLeader()).isTrue();
	}

}
