package io.distlock.redis;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import redis.clients.jedis.UnifiedJedis;

/**
 * Runs lock scripts by digest ({@code EVALSHA}) and sends the body only when Redis does not know
 * it ({@code NOSCRIPT}, after a restart or {@code SCRIPT FLUSH}), so a lost script cache never
 * reaches the caller.
 */
final class ScriptRunner {

	private final RedisConnectionFactory connectionFactory;

	private final @Nullable PooledScriptClient pooled;

	ScriptRunner(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
		this.pooled = PooledScriptClient.find(connectionFactory);
	}

	long run(LockScript script, byte[] key, byte[]... args) {
		byte[][] keysAndArgs = keysAndArgs(key, args);
		UnifiedJedis client = (this.pooled != null) ? this.pooled.client() : null;
		if (client != null) {
			try {
				return toLong(client.evalsha(script.sha1(), 1, keysAndArgs));
			}
			catch (RuntimeException ex) {
				if (!isNoScript(ex)) {
					throw ex;
				}
				return toLong(client.eval(script.body(), 1, keysAndArgs));
			}
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			try {
				return toLong(connection.scriptingCommands().evalSha(script.sha1(), ReturnType.INTEGER, 1,
						keysAndArgs));
			}
			catch (RuntimeException ex) {
				if (!isNoScript(ex)) {
					throw ex;
				}
				return toLong(connection.scriptingCommands().eval(script.body(), ReturnType.INTEGER, 1, keysAndArgs));
			}
		}
	}

	static byte[][] keysAndArgs(byte[] key, byte[]... args) {
		byte[][] keysAndArgs = new byte[args.length + 1][];
		keysAndArgs[0] = key;
		System.arraycopy(args, 0, keysAndArgs, 1, args.length);
		return keysAndArgs;
	}

	static long toLong(@Nullable Object reply) {
		if (reply instanceof Long value) {
			return value;
		}
		throw new IllegalStateException("Lock script returned " + reply + " instead of an integer");
	}

	static boolean isNoScript(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

}
