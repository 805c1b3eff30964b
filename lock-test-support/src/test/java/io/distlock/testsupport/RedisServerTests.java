package io.distlock.testsupport;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RedisServer} run as a process.
 */
class RedisServerTests {

	@Test
	void startsOnFreeLoopbackPortAndAnswers() {
		try (RedisServer server = RedisServer.start()) {
			assertThat(server.host()).isEqualTo("127.0.0.1");
			assertThat(server.port()).isNotEqualTo(6379);
			assertThat(server.isAlive()).isTrue();
			assertThat(Processes.isAlive(server.pid())).isTrue();
			assertThat(server.version()).isEqualTo(RedisBinary.detect().version());
			assertThat(server.command("PING")).isEqualTo("PONG");
			assertThat(server.dbSize()).isZero();
			try (Jedis jedis = server.jedis()) {
				jedis.set("key", "value");
			}
			assertThat(server.dbSize()).isOne();
			server.flushAll();
			assertThat(server.dbSize()).isZero();
		}
	}

	@Test
	void runsWithoutPersistence() {
		try (RedisServer server = RedisServer.start()) {
			assertThat(server.command("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
			assertThat(server.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "no"));
			assertThat(server.command("CONFIG", "GET", "port")).isEqualTo(List.of("port", "" + server.port()));
		}
	}

	@Test
	void killLeavesServerDeadAndRefusingConnections() {
		try (RedisServer server = RedisServer.start()) {
			long pid = server.pid();
			server.kill();
			assertThat(server.isAlive()).isFalse();
			assertThat(Processes.isAlive(pid)).isFalse();
			assertThatExceptionOfType(JedisConnectionException.class).isThrownBy(server::jedis);
		}
	}

	@Test
	void restartAfterKillComesBackOnSamePort() {
		try (RedisServer server = RedisServer.start()) {
			int port = server.port();
			long pid = server.pid();
			server.kill();
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			assertThat(server.pid()).isNotEqualTo(pid);
			assertThat(server.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void restartOfRunningServerStopsItAndLosesData() {
		try (RedisServer server = RedisServer.start()) {
			long pid = server.pid();
			server.command("SET", "key", "value");
			server.restart();
			assertThat(Processes.isAlive(pid)).isFalse();
			assertThat(server.isAlive()).isTrue();
			assertThat(server.dbSize()).isZero();
		}
	}

	@Test
	void pauseFreezesServerUntilResume() {
		try (RedisServer server = RedisServer.start(); Jedis jedis = server.jedis(Duration.ofMillis(300))) {
			server.pause();
			assertThat(server.isAlive()).isTrue();
			assertThatExceptionOfType(JedisConnectionException.class).isThrownBy(jedis::ping)
				.withRootCauseInstanceOf(SocketTimeoutException.class);
			server.resume();
			try (Jedis fresh = server.jedis(Duration.ofMillis(300))) {
				assertThat(fresh.ping()).isEqualTo("PONG");
			}
		}
	}

	@Test
	void stopShutsDownAndAllowsRestart() {
		try (RedisServer server = RedisServer.start()) {
			long pid = server.pid();
			server.stop();
			assertThat(server.isAlive()).isFalse();
			assertThat(Processes.isAlive(pid)).isFalse();
			server.restart();
			assertThat(server.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void stopOfPausedServerResumesItFirst() {
		try (RedisServer server = RedisServer.start()) {
			long pid = server.pid();
			server.pause();
			server.stop();
			assertThat(Processes.isAlive(pid)).isFalse();
		}
	}

	@Test
	void serversAreIndependent() {
		try (RedisServer first = RedisServer.start(); RedisServer second = RedisServer.start()) {
			first.command("SET", "key", "value");
			assertThat(second.port()).isNotEqualTo(first.port());
			assertThat(second.pid()).isNotEqualTo(first.pid());
			assertThat(first.dbSize()).isOne();
			assertThat(second.dbSize()).isZero();
			first.kill();
			assertThat(second.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void killClientsDisconnectsSubscribersOnly() throws Exception {
		try (RedisServer server = RedisServer.start(); Jedis subscriber = server.jedis(); Jedis normal = server.jedis()) {
			CompletableFuture<Void> subscription = CompletableFuture.runAsync(() -> subscriber.subscribe(new JedisPubSub() {
			}, "channel"));
			assertThat(Poll.until(Duration.ofSeconds(5),
					() -> List.of("channel", 1L).equals(server.command("PUBSUB", "NUMSUB", "channel"))))
				.isTrue();
			assertThat(server.killClients("pubsub")).isOne();
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> subscription.get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(JedisConnectionException.class);
			assertThat(normal.ping()).isEqualTo("PONG");
			assertThat(server.killClients("normal")).isOne();
			assertThatExceptionOfType(JedisConnectionException.class).isThrownBy(normal::ping);
		}
	}

	@Test
	void scriptFlushEmptiesScriptCache() {
		try (RedisServer server = RedisServer.start()) {
			Object sha = server.command("SCRIPT", "LOAD", "return 1");
			assertThat(server.command("SCRIPT", "EXISTS", (String) sha)).isEqualTo(List.of(1L));
			server.scriptFlush();
			assertThat(server.command("SCRIPT", "EXISTS", (String) sha)).isEqualTo(List.of(0L));
		}
	}

	@Test
	void startFailureReportsLogTail() {
		RedisOptions options = RedisOptions.defaults().with("no-such-directive", "on");
		assertThatIllegalStateException().isThrownBy(() -> RedisServer.start(options))
			.withMessageContaining("did not answer PING")
			.withMessageContaining("no-such-directive");
	}

	@Test
	void extraDirectivesReachServer() {
		try (RedisServer server = RedisServer.start(RedisOptions.defaults().with("maxmemory", "12mb"))) {
			assertThat(server.command("CONFIG", "GET", "maxmemory")).isEqualTo(List.of("maxmemory", "12582912"));
		}
	}

}
