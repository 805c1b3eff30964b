package io.distlock.redis;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

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

	/**
	 * Runs the script once.
	 * @param script the script
	 * @param key its first key
	 * @param keysAndArgs its other keys, if it takes more (see {@link LockScript#keyCount()}),
	 * then its arguments
	 * @return its reply
	 */
	long run(LockScript script, byte[] key, byte[]... keysAndArgs) {
		return run(script, keysAndArgs(key, keysAndArgs));
	}

	/**
	 * Runs the script once per call, pipelined on the factory's client (grouped by node on a
	 * cluster): one round trip per node. A call the pipeline could not complete (a script cache
	 * flushed, a slot that moved) is run again on its own.
	 * @param script the script
	 * @param calls each call's keys followed by its arguments
	 * @return each call's reply, in order
	 */
	long[] runAll(LockScript script, List<byte[][]> calls) {
		long[] replies = new long[calls.size()];
		UnifiedJedis client = (this.pooled != null && calls.size() > 1) ? this.pooled.client() : null;
		if (client == null) {
			for (int i = 0; i < replies.length; i++) {
				replies[i] = run(script, calls.get(i));
			}
			return replies;
		}
		List<Response<Object>> responses = new ArrayList<>(calls.size());
		try (AbstractPipeline pipeline = client.pipelined()) {
			for (byte[][] call : calls) {
				responses.add(pipeline.evalsha(script.sha1(), script.keyCount(), call));
			}
			pipeline.sync();
		}
		for (int i = 0; i < replies.length; i++) {
			try {
				replies[i] = toLong(responses.get(i).get());
			}
			catch (JedisDataException ex) {
				replies[i] = run(script, calls.get(i));
			}
		}
		return replies;
	}

	/**
	 * Runs a script that replies with a list of integers, once.
	 * @param script the script
	 * @param keysAndArgs its keys (see {@link LockScript#keyCount()}), then its arguments
	 * @return its reply
	 */
	long[] runForIntegers(LockScript script, byte[][] keysAndArgs) {
		List<?> reply = runForList(script, keysAndArgs);
		long[] values = new long[reply.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = toLong(reply.get(i));
		}
		return values;
	}

	/**
	 * Runs a script that replies with a list, once.
	 * @param script the script
	 * @param keysAndArgs its keys (see {@link LockScript#keyCount()}), then its arguments
	 * @return its reply: {@link Long} for integers, {@code byte[]} for strings
	 */
	List<?> runForList(LockScript script, byte[][] keysAndArgs) {
		if (!(evaluate(script, keysAndArgs, ReturnType.MULTI) instanceof List<?> reply)) {
			throw new IllegalStateException("Lock script did not return a list");
		}
		return reply;
	}

	private long run(LockScript script, byte[][] keysAndArgs) {
		return toLong(evaluate(script, keysAndArgs, ReturnType.INTEGER));
	}

	private @Nullable Object evaluate(LockScript script, byte[][] keysAndArgs, ReturnType returnType) {
		UnifiedJedis client = (this.pooled != null) ? this.pooled.client() : null;
		if (client != null) {
			try {
				return client.evalsha(script.sha1(), script.keyCount(), keysAndArgs);
			}
			catch (RuntimeException ex) {
				if (!isNoScript(ex)) {
					throw ex;
				}
				return client.eval(script.body(), script.keyCount(), keysAndArgs);
			}
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			try {
				return connection.scriptingCommands().evalSha(script.sha1(), returnType, script.keyCount(), keysAndArgs);
			}
			catch (RuntimeException ex) {
				if (!isNoScript(ex)) {
					throw ex;
				}
				return connection.scriptingCommands().eval(script.body(), returnType, script.keyCount(), keysAndArgs);
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
		return hasReply(failure, "NOSCRIPT");
	}

	static boolean isTryAgain(Throwable failure) {
		return hasReply(failure, "TRYAGAIN");
	}

	private static boolean hasReply(Throwable failure, String error) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.contains(error)) {
				return true;
			}
		}
		return false;
	}

}
