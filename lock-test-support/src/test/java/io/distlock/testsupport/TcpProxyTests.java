package io.distlock.testsupport;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link TcpProxy} in front of a real redis-server.
 */
class TcpProxyTests {

	private static RedisServer server;

	@BeforeAll
	static void startServer() {
		server = RedisServer.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static Jedis client(TcpProxy proxy) {
		return new Jedis(proxy.host(), proxy.port(), 500);
	}

	@Test
	void forwardsBothWaysUntilFaulted() {
		try (TcpProxy proxy = TcpProxy.start(server.host(), server.port()); Jedis jedis = client(proxy)) {
			jedis.set("through", "proxy");
			assertThat(jedis.get("through")).isEqualTo("proxy");
			assertThat(proxy.connections()).isOne();
			assertThat(proxy.port()).isNotEqualTo(server.port());
		}
	}

	@Test
	void delayedRepliesArriveLate() {
		try (TcpProxy proxy = TcpProxy.start(server.host(), server.port()); Jedis jedis = client(proxy)) {
			jedis.ping();
			proxy.delayReplies(Duration.ofMillis(200));
			long start = System.nanoTime();
			assertThat(jedis.ping()).isEqualTo("PONG");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		}
	}

	@Test
	void droppedRepliesLeaveTheCommandDoneButUnanswered() {
		try (TcpProxy proxy = TcpProxy.start(server.host(), server.port()); Jedis jedis = client(proxy)) {
			jedis.ping();
			proxy.dropReplies();
			assertThatExceptionOfType(JedisConnectionException.class).isThrownBy(() -> jedis.set("dropped", "done"));
			assertThat(server.command("GET", "dropped")).isEqualTo("done");
			proxy.heal();
			try (Jedis again = client(proxy)) {
				assertThat(again.ping()).isEqualTo("PONG");
			}
		}
	}

	@Test
	void blackholedCommandsNeverReachTheServer() {
		try (TcpProxy proxy = TcpProxy.start(server.host(), server.port()); Jedis jedis = client(proxy)) {
			jedis.ping();
			proxy.blackhole();
			assertThatExceptionOfType(JedisConnectionException.class).isThrownBy(() -> jedis.set("lost", "never"));
			assertThat(server.command("EXISTS", "lost")).isEqualTo(0L);
		}
	}

	@Test
	void resetEndsOpenConnectionsAndAcceptsNewOnes() {
		try (TcpProxy proxy = TcpProxy.start(server.host(), server.port())) {
			// Not closed: its socket is gone, and closing a reset client fails.
			Jedis jedis = client(proxy);
			jedis.ping();
			proxy.resetConnections();
			assertThatExceptionOfType(JedisConnectionException.class).isThrownBy(jedis::ping);
			try (Jedis again = client(proxy)) {
				assertThat(again.ping()).isEqualTo("PONG");
			}
		}
	}

}
