package io.distlock.redis;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ScriptRunner} on the factory's pooled client and on Spring Data connections.
 */
class ScriptRunnerIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private static final byte[] KEY = "lock:runner".getBytes(StandardCharsets.UTF_8);

	private static final byte[] FLOOR = "lock:__distlock__:floor".getBytes(StandardCharsets.UTF_8);

	@Test
	void runsScriptsOnTheFactorysPooledClientAndAfterTheScriptCacheIsLost() {
		JedisConnectionFactory factory = factory(true);
		try {
			PooledScriptClient pooled = PooledScriptClient.find(factory);
			assertThat(pooled).isNotNull();
			assertThat(pooled.client()).isNotNull();
			assertRunsScripts(new ScriptRunner(factory));
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void runsScriptsOnConnectionsWhenTheFactoryKeepsNoPooledClient() {
		JedisConnectionFactory factory = factory(false);
		try {
			assertThat(PooledScriptClient.find(factory)).isNull();
			assertRunsScripts(new ScriptRunner(factory));
		}
		finally {
			factory.destroy();
		}
	}

	private static JedisConnectionFactory factory(boolean unified) {
		RedisServer server = redis.server();
		return TestRedis.connectionFactory(server.host(), server.port(), (factory) -> factory.setUseUnifiedJedis(unified));
	}

	private static void assertRunsScripts(ScriptRunner scripts) {
		byte[] owner = bytes("owner");
		redis.server().flushAll();
		long token = scripts.run(LockScript.ACQUIRE, KEY, FLOOR, owner, bytes("5000"), bytes("process"), bytes("0"),
				bytes("1000"), bytes("tests@host (pid 1)"), bytes("script"));
		assertThat(token).isPositive();
		redis.server().command("SCRIPT", "FLUSH");
		assertThat(scripts.run(LockScript.RENEW, KEY, owner, bytes("5000"))).isEqualTo(1);
		assertThat(scripts.run(LockScript.RELEASE, KEY, FLOOR, owner, bytes("process"), bytes(""), bytes(""),
				bytes("50"), bytes("PUBLISH"), bytes(Long.toString(token)), bytes("1000"))).isZero();
		assertThat(redis.server().lockKeyCount()).isZero();
		try (var jedis = redis.server().jedis()) {
			assertThat(Long.parseLong(jedis.get("lock:__distlock__:floor"))).isEqualTo(token + 1000);
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
