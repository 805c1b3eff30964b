package io.distlock.redis;

import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The application's native Jedis cluster client, whichever of Jedis's two cluster types Spring
 * Data Redis built ({@link JedisCluster}, or {@link RedisClusterClient} with unified Jedis): the
 * per-node connection pools and slot map the lock code borrows from.
 */
final class ClusterClient {

	private final UnifiedJedis client;

	private final IntFunction<Connection> connectionFromSlot;

	private final Supplier<Map<String, ConnectionPool>> nodes;

	private ClusterClient(UnifiedJedis client, IntFunction<Connection> connectionFromSlot,
			Supplier<Map<String, ConnectionPool>> nodes) {
		this.client = client;
		this.connectionFromSlot = connectionFromSlot;
		this.nodes = nodes;
	}

	/**
	 * Wraps a native connection if it is a cluster client.
	 * @param nativeConnection what {@code RedisConnection.getNativeConnection()} returned
	 * @return the client, or {@code null} for anything else
	 */
	static @Nullable ClusterClient of(@Nullable Object nativeConnection) {
		if (nativeConnection instanceof JedisCluster cluster) {
			return new ClusterClient(cluster, cluster::getConnectionFromSlot, cluster::getClusterNodes);
		}
		if (nativeConnection instanceof RedisClusterClient cluster) {
			return new ClusterClient(cluster, cluster::getConnectionFromSlot, cluster::getClusterNodes);
		}
		return null;
	}

	/**
	 * Borrows a connection to the primary of a slot, as the client's slot map has it; the caller
	 * closes it to give it back.
	 * @param slot the slot
	 * @return the connection
	 */
	Connection connectionFromSlot(int slot) {
		return this.connectionFromSlot.apply(slot);
	}

	/**
	 * The connection pool of every node the client knows, by {@code host:port}.
	 * @return the pools
	 */
	Map<String, ConnectionPool> nodes() {
		return this.nodes.get();
	}

	/**
	 * Brings the client's slot map up to date for a key: a keyed read through the client follows
	 * {@code MOVED}, which refreshes the map.
	 * @param key the key
	 */
	void refreshSlotOf(byte[] key) {
		this.client.exists(key);
	}

}
