package io.distlock.testsupport;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RedisServer#cluster()} and {@link RedisServer#sentinel(String, int, int)}.
 */
class RedisModesTests {

	@Test
	void clusterModeAnswersClusterInfoAndKeepsItsIdentityAcrossRestart() {
		try (RedisServer node = RedisServer.cluster()) {
			assertThat((String) node.command("CLUSTER", "INFO")).contains("cluster_slots_assigned:0");
			assertThat((String) node.command("INFO", "cluster")).contains("cluster_enabled:1");
			Object id = node.command("CLUSTER", "MYID");
			assertThat((String) id).matches("[0-9a-f]{40}");
			node.kill();
			node.restart();
			assertThat(node.command("CLUSTER", "MYID")).isEqualTo(id);
		}
	}

	@Test
	void sentinelModeMonitorsMaster() {
		try (RedisServer master = RedisServer.start();
				RedisServer sentinel = RedisServer.sentinel("mymaster", master.port(), 1)) {
			assertThat((String) sentinel.command("INFO", "sentinel")).contains("name=mymaster");
			assertThat(sentinel.command("SENTINEL", "get-master-addr-by-name", "mymaster"))
				.isEqualTo(List.of("127.0.0.1", Integer.toString(master.port())));
			master.kill();
			assertThat(Poll.until(Duration.ofSeconds(10), () -> flags(sentinel).contains("s_down"))).isTrue();
		}
	}

	@Test
	void containersRunPlainServersOnly() {
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> RedisBackend.TESTCONTAINERS.start(RedisOptions.cluster()))
			.withMessageContaining("CLUSTER");
	}

	@Test
	void backendIsChosenBySystemPropertyValue() {
		assertThat(RedisBackend.of(null)).isEqualTo(RedisBackend.PROCESS);
		assertThat(RedisBackend.of("process")).isEqualTo(RedisBackend.PROCESS);
		assertThat(RedisBackend.of("testcontainers")).isEqualTo(RedisBackend.TESTCONTAINERS);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> RedisBackend.of("docker"))
			.withMessageContaining("distlock.test.redis=docker");
	}

	private static String flags(RedisServer sentinel) {
		List<?> master = (List<?>) sentinel.command("SENTINEL", "MASTER", "mymaster");
		return (String) master.get(master.indexOf("flags") + 1);
	}

}
