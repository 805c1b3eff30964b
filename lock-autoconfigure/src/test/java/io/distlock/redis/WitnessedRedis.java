package io.distlock.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

/**
 * Two redis-servers for cross-process tests: one for the locks and one, never faulted, for the
 * {@link Witness}; both emptied before each test.
 */
public final class WitnessedRedis implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

	private final RedisExtension servers = new RedisExtension();

	private RedisServer witness;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.servers.beforeAll(context);
		this.witness = this.servers.startAnother();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.servers.flushAll();
		this.witness.flushAll();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.servers.afterAll(context);
	}

	/**
	 * The server the locks live in.
	 * @return the lock server
	 */
	public RedisServer locks() {
		return this.servers.server();
	}

	/**
	 * The witness's server.
	 * @return the witness server
	 */
	public RedisServer witness() {
		return this.witness;
	}

}
