package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.JedisCommands;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import io.distlock.core.HeldLock;
import io.distlock.core.HeldLocksPage;

/**
 * Lists the locks held under a key prefix, for operators: {@code SCAN} (never {@code KEYS}) over
 * the server, or over every primary of a cluster one after the other, reading each lock's hash:
 * its owner, or its shares or permits, counted (a holder whose lease ran out but that no script
 * has removed yet is counted until then).
 * A cursor is the scan's own, and on a cluster names the primary it belongs to
 * ({@code host:port/cursor}). Pages hold whole scan batches, so a page may hold a few more locks
 * than asked for, never a gap; keys that come and go while paging may be seen or not, as
 * {@code SCAN} promises.
 */
final class RedisLockInventory {

	private static final String START = ScanParams.SCAN_POINTER_START;

	private final RedisConnectionFactory connectionFactory;

	private final String keyPrefix;

	private final String internalPrefix;

	private final String match;

	RedisLockInventory(RedisConnectionFactory connectionFactory, String keyPrefix) {
		this.connectionFactory = connectionFactory;
		this.keyPrefix = keyPrefix;
		this.internalPrefix = keyPrefix + "__distlock__:";
		this.match = keyPrefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
	}

	HeldLocksPage page(@Nullable String cursor, int limit) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			ClusterClient cluster = ClusterClient.of(connection.getNativeConnection());
			if (cluster != null && connection instanceof RedisClusterConnection clusterConnection) {
				return clusterPage(cluster, primaries(clusterConnection), cursor, limit);
			}
			if (!(connection.getNativeConnection() instanceof JedisCommands commands)) {
				throw new UnsupportedOperationException("Listing locks needs a Jedis connection, got "
						+ connection.getNativeConnection().getClass().getName());
			}
			List<HeldLock> locks = new ArrayList<>();
			String next = scan(commands, scanCursor(cursor, cursor), limit, locks);
			return new HeldLocksPage(locks, START.equals(next) ? null : next);
		}
	}

	private HeldLocksPage clusterPage(ClusterClient cluster, List<String> primaries, @Nullable String cursor,
			int limit) {
		int node = 0;
		String scanCursor = START;
		if (cursor != null) {
			int slash = cursor.lastIndexOf('/');
			node = (slash > 0) ? primaries.indexOf(cursor.substring(0, slash)) : -1;
			if (node < 0) {
				throw new IllegalArgumentException("Cursor '" + cursor + "' names no primary of this cluster " + primaries);
			}
			scanCursor = scanCursor(cursor.substring(slash + 1), cursor);
		}
		List<HeldLock> locks = new ArrayList<>();
		Map<String, ConnectionPool> pools = cluster.nodes();
		while (node < primaries.size()) {
			ConnectionPool pool = pools.get(primaries.get(node));
			if (pool == null) {
				throw new IllegalStateException("The cluster client has no connections to primary " + primaries.get(node));
			}
			try (Jedis jedis = new Jedis(pool.getResource())) {
				scanCursor = scan(jedis, scanCursor, limit - locks.size(), locks);
			}
			if (!START.equals(scanCursor)) {
				return new HeldLocksPage(locks, primaries.get(node) + "/" + scanCursor);
			}
			node++;
			if (locks.size() >= limit && node < primaries.size()) {
				return new HeldLocksPage(locks, primaries.get(node) + "/" + START);
			}
		}
		return new HeldLocksPage(locks, null);
	}

	/**
	 * Scans from {@code cursor} until at least {@code wanted} locks are read or the scan ends.
	 * @return the scan's next cursor, {@code 0} when it ended
	 */
	private String scan(JedisCommands commands, String cursor, int wanted, List<HeldLock> locks) {
		int before = locks.size();
		String next = cursor;
		do {
			// Each batch asks for what the page still lacks, so a page ends near its limit.
			int lacking = wanted - (locks.size() - before);
			ScanParams params = new ScanParams().match(this.match).count(Math.max(10, lacking));
			ScanResult<String> batch = commands.scan(next, params);
			for (String key : batch.getResult()) {
				if (!key.startsWith(this.internalPrefix)) {
					HeldLock lock = read(commands, key);
					if (lock != null) {
						locks.add(lock);
					}
				}
			}
			next = batch.getCursor();
		}
		while (!START.equals(next) && locks.size() - before < wanted);
		return next;
	}

	/** The lock a key holds, or {@code null} when it is free (reserved, or gone meanwhile). */
	private @Nullable HeldLock read(JedisCommands commands, String key) {
		Map<String, String> fields;
		long remaining;
		try {
			fields = commands.hgetAll(key);
			remaining = commands.pttl(key);
		}
		catch (JedisDataException ex) {
			// Not a lock (another type under the prefix), or its slot moved away meanwhile.
			return null;
		}
		int waiters = 0;
		int holders = 0;
		String kind = "";
		for (String field : fields.keySet()) {
			if (field.startsWith("w:")) {
				waiters++;
			}
			else if (field.startsWith("s:") || field.startsWith("p:")) {
				holders++;
				kind = field.substring(0, 1);
			}
		}
		boolean owned = fields.containsKey("o");
		if (!owned && holders == 0) {
			return null;
		}
		return new HeldLock(key.substring(this.keyPrefix.length()), fields.get("n"), owned ? fields.get("h") : null,
				Long.parseLong(fields.getOrDefault("f", "0")), Duration.ofMillis(Math.max(0, remaining)), mode(kind),
				waiters, Math.max(holders, 1));
	}

	/**
	 * The mode of a lock by the kind of its holders' fields: {@code s} shares, {@code p} permits,
	 * else an owner of its own.
	 */
	static String mode(String kind) {
		return switch (kind) {
			case "s" -> HeldLock.SHARED;
			case "p" -> HeldLock.PERMITS;
			default -> HeldLock.EXCLUSIVE;
		};
	}

	private static List<String> primaries(RedisClusterConnection connection) {
		List<String> primaries = new ArrayList<>();
		for (RedisClusterNode node : connection.clusterGetNodes()) {
			if (node.isMaster() && !node.isMarkedAsFail()) {
				primaries.add(node.getHost() + ":" + node.getPort());
			}
		}
		primaries.sort(Comparator.naturalOrder());
		return primaries;
	}

	private static String scanCursor(@Nullable String value, @Nullable String cursor) {
		if (value == null) {
			return START;
		}
		if (value.isEmpty() || !value.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException("Cursor '" + cursor + "' is not one a page of locks gave out");
		}
		return value;
	}

}
