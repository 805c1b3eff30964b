package io.distlock.redis;

import java.nio.charset.StandardCharsets;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Names the key that holds a lock's fencing floor: a number at or above every fencing token given
 * out in the lock's hash slot, which the scripts raise with every grant. Tokens then grow even
 * when the server's clock steps back after a lock's key is gone. A standalone server or Sentinel
 * group has one floor; a cluster has one per hash slot in use, each named with a hash tag of
 * that slot so a script can reach it beside the lock.
 */
final class FencingFloors {

	private static final int SLOTS = 16384;

	private static final String FLOOR = "__distlock__:floor";

	private final String keyPrefix;

	private final byte[] single;

	private final boolean perSlot;

	private FencingFloors(String keyPrefix, boolean perSlot) {
		this.keyPrefix = keyPrefix;
		this.single = (keyPrefix + FLOOR).getBytes(StandardCharsets.UTF_8);
		this.perSlot = perSlot;
	}

	/**
	 * The floors for the given connections: one per slot on a cluster, else one.
	 * @param connectionFactory the connections
	 * @param keyPrefix the prefix of every lock key
	 * @return the floors
	 */
	static FencingFloors of(RedisConnectionFactory connectionFactory, String keyPrefix) {
		return new FencingFloors(keyPrefix, isCluster(connectionFactory));
	}

	/**
	 * The floor key of a lock key.
	 * @param lockKey the lock's full key, prefix included
	 * @return the key of its slot's floor
	 */
	byte[] of(byte[] lockKey) {
		if (!this.perSlot) {
			return this.single;
		}
		int slot = JedisClusterCRC16.getSlot(lockKey);
		byte[] floor = (this.keyPrefix + FLOOR + ":{" + SlotTags.TAGS[slot] + "}").getBytes(StandardCharsets.UTF_8);
		if (JedisClusterCRC16.getSlot(floor) != slot) {
			throw new IllegalStateException("Key prefix '" + this.keyPrefix + "' holds an unclosed or empty hash tag,"
					+ " so lock keys and their fencing floors would fall in different slots; use a prefix without"
					+ " braces or with a whole hash tag");
		}
		return floor;
	}

	/**
	 * The hash slot whose floor serves a lock key: keys of one slot can be taken in one script.
	 * @param lockKey the lock's full key, prefix included
	 * @return its cluster slot, or {@code 0} where one floor serves every key
	 */
	int slotOf(byte[] lockKey) {
		return this.perSlot ? JedisClusterCRC16.getSlot(lockKey) : 0;
	}

	private static boolean isCluster(RedisConnectionFactory connectionFactory) {
		if (connectionFactory instanceof JedisConnectionFactory jedis) {
			return jedis.isRedisClusterAware();
		}
		try (RedisConnection connection = connectionFactory.getConnection()) {
			return connection instanceof RedisClusterConnection;
		}
	}

	/** For each hash slot, the shortest base-36 text that hashes to it, found once. */
	private static final class SlotTags {

		static final String[] TAGS = find();

		private static String[] find() {
			String[] tags = new String[SLOTS];
			int found = 0;
			for (long i = 0; found < SLOTS; i++) {
				String tag = Long.toString(i, Character.MAX_RADIX);
				int slot = JedisClusterCRC16.getSlot(tag);
				if (tags[slot] == null) {
					tags[slot] = tag;
					found++;
				}
			}
			return tags;
		}

	}

}
