package io.distlock.redis;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import redis.clients.jedis.Jedis;

import io.distlock.core.LockListener;
import io.distlock.core.LockSettings;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

/**
 * Lock managers and backends on a {@link RedisExtension}'s server, each with its own process id
 * as if in its own JVM, and a plain connection to look at the data: a flushed server before each
 * test, everything closed after it.
 */
final class LockFixture implements BeforeEachCallback, AfterEachCallback {

	private final RedisExtension redis;

	private final List<AutoCloseable> started = new ArrayList<>();

	private @Nullable Jedis jedis;

	LockFixture(RedisExtension redis) {
		this.redis = redis;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.redis.flushAll();
	}

	/**
	 * A connection to the server, for looking at what the locks leave there.
	 */
	Jedis jedis() {
		if (this.jedis == null) {
			Jedis opened = this.redis.server().jedis();
			this.started.add(opened::close);
			this.jedis = opened;
		}
		return this.jedis;
	}

	/**
	 * How many keys the server holds besides the fencing floors.
	 */
	long lockKeyCount() {
		return this.redis.server().lockKeyCount();
	}

	/**
	 * How many scripts the server has run since it started.
	 */
	long scriptCalls() {
		return this.redis.server().scriptCalls();
	}

	RedisLockManager manager() {
		return manager(LockSettings.DEFAULTS);
	}

	RedisLockManager manager(LockSettings settings) {
		return manager(settings, LockListener.NO_OP);
	}

	RedisLockManager manager(LockSettings settings, LockListener listener) {
		RedisServer server = this.redis.server();
		TestRedis.Manager manager = TestRedis.Manager.start(server.host(), server.port(), settings, listener);
		this.started.add(manager);
		return manager.locks();
	}

	RedisLockBackend backend() {
		RedisServer server = this.redis.server();
		JedisConnectionFactory connections = TestRedis.connectionFactory(server.host(), server.port());
		this.started.add(connections::destroy);
		RedisLockBackend backend = new RedisLockBackend(connections, RedisLockOptions.DEFAULTS);
		this.started.add(backend);
		return backend;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		for (int i = this.started.size() - 1; i >= 0; i--) {
			this.started.get(i).close();
		}
		this.started.clear();
		this.jedis = null;
	}

}
