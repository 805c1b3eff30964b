package io.distlock.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Waits for a Redis server to answer {@code PING}.
 *
 * @since 1.0.0
 */
final class RedisPing {

	private static final int PING_TIMEOUT_MILLIS = 500;

	private RedisPing() {
	}

	/**
	 * Waits until the server answers {@code PONG}, giving up early once it cannot start
	 * any more.
	 * @param host the server's host
	 * @param port the server's port
	 * @param timeout how long to wait
	 * @param starting whether the server may still come up, such as its process being alive
	 * @return whether the server answered in time
	 */
	static boolean await(String host, int port, Duration timeout, BooleanSupplier starting) {
		return Poll.until(timeout, () -> !starting.getAsBoolean() || answers(host, port)) && starting.getAsBoolean();
	}

	private static boolean answers(String host, int port) {
		try (Jedis jedis = new Jedis(host, port, PING_TIMEOUT_MILLIS)) {
			return "PONG".equals(jedis.ping());
		}
		catch (JedisException ex) {
			// Refused while starting, or LOADING: not up yet.
			return false;
		}
	}

}
