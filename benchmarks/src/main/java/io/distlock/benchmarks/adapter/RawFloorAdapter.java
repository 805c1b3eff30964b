package io.distlock.benchmarks.adapter;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.SetParams;

/**
 * The least any correct Redis lock can do: one {@code SET key token NX PX} to acquire and one Lua
 * compare-and-delete by {@code EVALSHA} to release, over a plain Jedis pool (a {@code JedisCluster}
 * on a cluster, the script loaded on every node). A busy lock is retried every millisecond: no
 * queue, no notification, no fairness.
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

	private final FloorCommands commands;

	private final String tokenPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";

	private final AtomicLong tokens = new AtomicLong();

	RawFloorAdapter(Endpoint endpoint) {
		this(new PooledCommands(Connections.jedisPool(endpoint)));
	}

	private RawFloorAdapter(FloorCommands commands) {
		this.commands = commands;
	}

	static RawFloorAdapter onCluster(ClusterEndpoint cluster) {
		return new RawFloorAdapter(new ClusterCommands(Connections.jedisCluster(cluster)));
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		String token = this.tokenPrefix + this.tokens.incrementAndGet();
		acquire(key, token);
		try {
			criticalSection.run();
		}
		finally {
			this.commands.compareAndDelete(key, token);
		}
	}

	private void acquire(String key, String token) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!this.commands.setIfAbsent(key, token)) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Raw floor lock '" + key + "' not acquired within " + WAIT);
			}
			LockSupport.parkNanos(RETRY_NANOS);
		}
	}

	@Override
	public void close() {
		this.commands.close();
	}

	/**
	 * The floor's two commands over one kind of client.
	 */
	private interface FloorCommands {

		boolean setIfAbsent(String key, String token);

		void compareAndDelete(String key, String token);

		void close();

	}

	/**
	 * Over a {@link JedisPool}, a connection borrowed per command.
	 */
	private static final class PooledCommands implements FloorCommands {

		private final JedisPool pool;

		private final String compareAndDelete;

		PooledCommands(JedisPool pool) {
			this.pool = pool;
			try (Jedis jedis = pool.getResource()) {
				this.compareAndDelete = jedis.scriptLoad(COMPARE_AND_DELETE);
			}
		}

		@Override
		public boolean setIfAbsent(String key, String token) {
			try (Jedis jedis = this.pool.getResource()) {
				return jedis.set(key, token, SET_IF_ABSENT) != null;
			}
		}

		@Override
		public void compareAndDelete(String key, String token) {
			try (Jedis jedis = this.pool.getResource()) {
				jedis.evalsha(this.compareAndDelete, 1, key, token);
			}
		}

		@Override
		public void close() {
			this.pool.close();
		}

	}

	/**
	 * Over a {@link JedisCluster}, which routes each command to the node owning its key.
	 */
	private static final class ClusterCommands implements FloorCommands {

		private final JedisCluster cluster;

		private final String compareAndDelete;

		ClusterCommands(JedisCluster cluster) {
			this.cluster = cluster;
			String digest = null;
			for (ConnectionPool node : cluster.getClusterNodes().values()) {
				try (Connection connection = node.getResource()) {
					digest = new Jedis(connection).scriptLoad(COMPARE_AND_DELETE);
				}
			}
			if (digest == null) {
				throw new IllegalStateException("The cluster client knows no node");
			}
			this.compareAndDelete = digest;
		}

		@Override
		public boolean setIfAbsent(String key, String token) {
			return this.cluster.set(key, token, SET_IF_ABSENT) != null;
		}

		@Override
		public void compareAndDelete(String key, String token) {
			this.cluster.evalsha(this.compareAndDelete, 1, key, token);
		}

		@Override
		public void close() {
			this.cluster.close();
		}

	}

}
