package io.distlock.redis;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

/**
 * Runs lock scripts by digest ({@code EVALSHA}) and sends the body only when Redis does not know
 * it ({@code NOSCRIPT}, after a restart or {@code SCRIPT FLUSH}), so a lost script cache never
 * reaches the caller.
 */
final class ScriptRunner {

	private final RedisConnectionFactory connectionFactory;

	ScriptRunner(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	long run(LockScript script, byte[] key, byte[]... args) {
		byte[][] keysAndArgs = new byte[args.length + 1][];
		keysAndArgs[0] = key;
		System.arraycopy(args, 0, keysAndArgs, 1, args.length);
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

	private static long toLong(Object reply) {
		if (reply instanceof Long value) {
			return value;
		}
		throw new IllegalStateException("Lock script returned " + reply + " instead of an integer");
	}

	private static boolean isNoScript(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

}
