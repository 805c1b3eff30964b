package io.distlock.redis;

import redis.clients.jedis.Jedis;

/**
 * An independent record of critical sections, kept in a Redis server the locks do not use:
 * entries and exits count occupancy (a count above one is an overlap), a deliberately
 * non-atomic read-modify-write counter loses increments when sections overlap, and a fenced
 * write accepts only tokens higher than every token seen.
 */
public final class Witness implements AutoCloseable {

	private static final String FENCED_WRITE = """
			local highest = tonumber(redis.call('GET', KEYS[1]) or '0')
			if tonumber(ARGV[1]) > highest then
			  redis.call('SET', KEYS[1], ARGV[1])
			  return 1
			end
			return 0
			""";

	private final Jedis jedis;

	private final String namespace;

	public Witness(String host, int port) {
		this(host, port, "");
	}

	/**
	 * A witness whose occupancy counts live under {@code namespace}, so that a killed worker of
	 * another test, whose last write may still arrive, cannot disturb them.
	 */
	public Witness(String host, int port, String namespace) {
		this.jedis = new Jedis(host, port);
		this.namespace = namespace;
	}

	/**
	 * Records an entry.
	 * @return whether another section was inside at the same time
	 */
	public boolean enter() {
		if (this.jedis.incr(this.namespace + "occupancy") > 1) {
			this.jedis.incr(this.namespace + "overlaps");
			return true;
		}
		return false;
	}

	public void exit() {
		this.jedis.decr(this.namespace + "occupancy");
	}

	void increment(long pauseMillis) throws InterruptedException {
		String value = this.jedis.get("counter");
		long current = (value != null) ? Long.parseLong(value) : 0;
		if (pauseMillis > 0) {
			Thread.sleep(pauseMillis);
		}
		this.jedis.set("counter", Long.toString(current + 1));
	}

	public boolean fencedWrite(long token) {
		return (Long) this.jedis.eval(FENCED_WRITE, 1, "fenced", Long.toString(token)) == 1;
	}

	public long count(String name) {
		String value = this.jedis.get(this.namespace + name);
		return (value != null) ? Long.parseLong(value) : 0;
	}

	@Override
	public void close() {
		this.jedis.close();
	}

}
