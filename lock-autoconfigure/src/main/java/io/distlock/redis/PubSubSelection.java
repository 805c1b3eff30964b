package io.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Protocol;

/**
 * How release messages travel, chosen once when a manager starts: sharded pub/sub
 * ({@code SPUBLISH}/{@code SSUBSCRIBE}) on a cluster whose every node runs Redis 7 or later, so
 * a message stays within the lock's shard; classic pub/sub everywhere else (standalone, Sentinel,
 * Redis 6 clusters, where {@code PUBLISH} reaches every node).
 *
 * @param publishCommand the command the release script publishes with
 * @param notifications the subscriptions that receive the messages
 */
record PubSubSelection(byte[] publishCommand, ReleaseNotifications notifications) {

	private static final Logger logger = LoggerFactory.getLogger(PubSubSelection.class);

	private static final Pattern MAJOR_VERSION = Pattern.compile("redis_version:(\\d+)\\.");

	private static final int SHARDED_SINCE_MAJOR = 7;

	/**
	 * Chooses for the given connections.
	 * @param connectionFactory the connections
	 * @param controlChannel the channel the classic subscriber uses to learn it is connected
	 * @return the choice
	 */
	static PubSubSelection select(RedisConnectionFactory connectionFactory, String controlChannel) {
		ClusterClient cluster = shardedCluster(connectionFactory);
		if (cluster != null) {
			return new PubSubSelection(bytes("SPUBLISH"), new ShardedReleaseSubscriber(cluster));
		}
		return new PubSubSelection(bytes("PUBLISH"), new ReleaseSubscriber(connectionFactory, controlChannel));
	}

	private static @Nullable ClusterClient shardedCluster(RedisConnectionFactory connectionFactory) {
		if (connectionFactory instanceof JedisConnectionFactory jedis && !jedis.isRedisClusterAware()) {
			return null;
		}
		try (RedisConnection connection = connectionFactory.getConnection()) {
			ClusterClient cluster = (connection instanceof RedisClusterConnection)
					? ClusterClient.of(connection.getNativeConnection()) : null;
			return (cluster != null && everyNodeShards(cluster.nodes())) ? cluster : null;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not learn whether the cluster supports sharded pub/sub, using classic pub/sub: {}",
					ex.toString());
			return null;
		}
	}

	private static boolean everyNodeShards(Map<String, ConnectionPool> nodes) {
		if (nodes.isEmpty()) {
			return false;
		}
		for (ConnectionPool node : nodes.values()) {
			try (Connection connection = node.getResource()) {
				Object info = connection.executeCommand(new CommandArguments(Protocol.Command.INFO).add("server"));
				String text = (info instanceof byte[] raw) ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(info);
				Matcher version = MAJOR_VERSION.matcher(text);
				if (!version.find() || Integer.parseInt(version.group(1)) < SHARDED_SINCE_MAJOR) {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * Whether messages travel by sharded pub/sub.
	 * @return {@code true} for sharded, {@code false} for classic pub/sub
	 */
	boolean sharded() {
		return this.notifications instanceof ShardedReleaseSubscriber;
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

}
