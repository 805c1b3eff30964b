package io.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisPipelineException;
import org.springframework.data.redis.connection.ReturnType;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Runs a lock script followed by {@code WAIT} on the same connection in one round trip (a
 * pipeline), so the caller learns how many replicas acknowledged the script's write. On a
 * cluster the pair goes to the primary of the key's slot, following {@code MOVED} and
 * {@code ASK} a bounded number of times.
 */
final class AcknowledgedScripts {

	private static final int MAX_REDIRECTS = 5;

	private final RedisConnectionFactory connectionFactory;

	private final byte[] replicas;

	private final byte[] timeout;

	AcknowledgedScripts(RedisConnectionFactory connectionFactory, int replicas, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.replicas = bytes(Integer.toString(replicas));
		this.timeout = bytes(Long.toString(Math.max(1, timeout.toMillis())));
	}

	/**
	 * Runs the script, then {@code WAIT}.
	 * @param script the script
	 * @param key its first key, which routes the call on a cluster
	 * @param keysAndArgs its other keys, if any, then its arguments
	 * @return the script's reply and the number of replicas that acknowledged
	 */
	Acknowledged run(LockScript script, byte[] key, byte[]... otherKeysAndArgs) {
		byte[][] keysAndArgs = ScriptRunner.keysAndArgs(key, otherKeysAndArgs);
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			ClusterClient cluster = (connection instanceof RedisClusterConnection)
					? ClusterClient.of(connection.getNativeConnection()) : null;
			if (cluster != null) {
				return onCluster(cluster, script, key, keysAndArgs);
			}
			try {
				return pipelined(connection, script, false, keysAndArgs);
			}
			catch (RedisPipelineException ex) {
				if (!ScriptRunner.isNoScript(ex)) {
					throw ex;
				}
				return pipelined(connection, script, true, keysAndArgs);
			}
		}
	}

	private Acknowledged pipelined(RedisConnection connection, LockScript script, boolean withBody,
			byte[][] keysAndArgs) {
		connection.openPipeline();
		if (withBody) {
			connection.scriptingCommands().eval(script.body(), ReturnType.INTEGER, script.keyCount(), keysAndArgs);
		}
		else {
			connection.scriptingCommands().evalSha(script.sha1(), ReturnType.INTEGER, script.keyCount(), keysAndArgs);
		}
		connection.execute("WAIT", this.replicas, this.timeout);
		List<Object> replies = connection.closePipeline();
		return new Acknowledged(ScriptRunner.toLong(replies.get(0)), ScriptRunner.toLong(replies.get(1)));
	}

	private Acknowledged onCluster(ClusterClient cluster, LockScript script, byte[] key, byte[][] keysAndArgs) {
		boolean withBody = false;
		ConnectionPool askedNode = null;
		for (int attempt = 0;; attempt++) {
			List<Object> replies;
			boolean asking = askedNode != null;
			try (Connection connection = asking ? askedNode.getResource()
					: cluster.connectionFromSlot(JedisClusterCRC16.getSlot(key))) {
				if (asking) {
					connection.sendCommand(Protocol.Command.ASKING);
				}
				if (withBody) {
					connection.sendCommand(Protocol.Command.EVAL, prepend(script.body(), script, keysAndArgs));
				}
				else {
					connection.sendCommand(Protocol.Command.EVALSHA, prepend(script.sha1(), script, keysAndArgs));
				}
				connection.sendCommand(Protocol.Command.WAIT, this.replicas, this.timeout);
				replies = connection.getMany(asking ? 3 : 2);
			}
			if (asking) {
				replies = replies.subList(1, 3);
			}
			askedNode = null;
			Object reply = replies.get(0);
			if (!(reply instanceof JedisDataException failure)) {
				return new Acknowledged(ScriptRunner.toLong(reply), ScriptRunner.toLong(replies.get(1)));
			}
			if (attempt >= MAX_REDIRECTS) {
				throw failure;
			}
			if (failure instanceof JedisAskDataException ask) {
				askedNode = cluster.nodes().get(ask.getTargetNode().toString());
				if (askedNode == null) {
					throw failure;
				}
			}
			else if (failure instanceof JedisMovedDataException) {
				cluster.refreshSlotOf(key);
			}
			else if (ScriptRunner.isNoScript(failure)) {
				withBody = true;
			}
			else {
				throw failure;
			}
		}
	}

	private static byte[][] prepend(byte[] scriptOrDigest, LockScript script, byte[][] keysAndArgs) {
		byte[][] all = new byte[keysAndArgs.length + 2][];
		all[0] = scriptOrDigest;
		all[1] = bytes(Integer.toString(script.keyCount()));
		System.arraycopy(keysAndArgs, 0, all, 2, keysAndArgs.length);
		return all;
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A script's reply and how many replicas acknowledged its write.
	 *
	 * @param reply the script's reply
	 * @param replicas the replicas that acknowledged within the timeout
	 */
	record Acknowledged(long reply, long replicas) {
	}

}
