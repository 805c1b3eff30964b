package io.distlock.benchmarks.adapter;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.SetParams;

/**
 * The least any correct Redis lock can do: one {@code SET key token NX PX} to acquire and one Lua
 * compare-and-delete by {@code EVALSHA} to release, over a plain Jedis pool. A busy lock is retried
 * every millisecond: no queue, no notification, no fairness.
 */
@SuppressWarnings("deprecation")
final class RawFloorAdapter implements LockAdapter {

	private static final String COMPARE_AND_DELETE = """
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  return redis.call('DEL', KEYS[1])
			end
			return 0""";

	private static final SetParams SET_IF_ABSENT = SetParams.setParams().nx().px(LEASE.toMillis());

	private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final JedisPool pool;

	private final String compareAndDelete;

	private final String tokenPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";

	private final AtomicLong tokens = new AtomicLong();

	RawFloorAdapter(Endpoint endpoint) {
		this.pool = Connections.jedisPool(endpoint);
		try (Jedis jedis = this.pool.getResource()) {
			this.compareAndDelete = jedis.scriptLoad(COMPARE_AND_DELETE);
		}
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		String token = this.tokenPrefix + this.tokens.incrementAndGet();
		acquire(key, token);
		try {
			criticalSection.run();
		}
		finally {
			try (Jedis jedis = this.pool.getResource()) {
				jedis.evalsha(this.compareAndDelete, 1, key, token);
			}
		}
	}

	private void acquire(String key, String token) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		for (;;) {
			try (Jedis jedis = this.pool.getResource()) {
				if (jedis.set(key, token, SET_IF_ABSENT) != null) {
					return;
				}
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Raw floor lock '" + key + "' not acquired within " + WAIT);
			}
			LockSupport.parkNanos(RETRY_NANOS);
		}
	}

	@Override
	public void close() {
		this.pool.close();
	}

}
