package io.distlock.testsupport;

import java.time.Duration;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.SafeEncoder;

/**
 * A running Redis server that a test may kill, freeze, restart and query.
 * <p>
 * The static factories start a {@code redis-server} process on a free loopback port,
 * with no persistence, registered with {@link ProcessRegistry}. Implementations are
 * thread-safe.
 *
 * @since 1.0.0
 */
public interface RedisServer extends AutoCloseable {

	/** What the name of every distlock fencing floor key contains. */
	String FENCING_FLOOR = "__distlock__:floor";

	/** Socket timeout of {@link #jedis()} and {@link #command(String...)}. */
	Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Starts a plain server process.
	 * @return the running server
	 */
	static RedisServer start() {
		return start(RedisOptions.defaults());
	}

	/**
	 * Starts a server process with the given options.
	 * @param options the options
	 * @return the running server
	 * @throws IllegalStateException if it does not answer {@code PING} in time, with the
	 * tail of its log
	 */
	static RedisServer start(RedisOptions options) {
		return ProcessRedisServer.start(options);
	}

	/**
	 * Starts a server process in cluster mode, with no slots assigned.
	 * @return the running server
	 * @see RedisOptions#cluster()
	 */
	static RedisServer cluster() {
		return start(RedisOptions.cluster());
	}

	/**
	 * Starts a Sentinel process monitoring a master on {@code 127.0.0.1}.
	 * @param masterName the name the master is monitored under
	 * @param masterPort the master's port
	 * @param quorum how many Sentinels must agree the master is down
	 * @return the running Sentinel
	 * @see RedisOptions#sentinel(String, int, int)
	 */
	static RedisServer sentinel(String masterName, int masterPort, int quorum) {
		return start(RedisOptions.sentinel(masterName, masterPort, quorum));
	}

	/**
	 * Returns the host clients connect to.
	 * @return the host
	 */
	String host();

	/**
	 * Returns the port clients connect to; it survives {@link #restart()}.
	 * @return the port
	 */
	int port();

	/**
	 * Returns the PID of the server process on this machine (for a container, as Docker
	 * reports it).
	 * @return the PID
	 */
	long pid();

	/**
	 * Returns the server's version, such as {@code 7.0.15}.
	 * @return the version
	 */
	String version();

	/**
	 * Returns whether the server process runs, paused or not.
	 * @return whether it is alive
	 */
	boolean isAlive();

	/**
	 * Kills the server with {@code SIGKILL} and waits for it to die.
	 */
	void kill();

	/**
	 * Freezes the server ({@code SIGSTOP}): connections stay open but nothing answers.
	 */
	void pause();

	/**
	 * Unfreezes a server frozen by {@link #pause()} ({@code SIGCONT}).
	 */
	void resume();

	/**
	 * Stops the server if it runs, then starts it again on the same port with the same
	 * configuration, and waits until it answers {@code PING}. Data is lost.
	 */
	void restart();

	/**
	 * Stops the server with {@code SHUTDOWN NOSAVE}, killing it if it does not exit in
	 * time. It can be restarted afterwards.
	 */
	void stop();

	/**
	 * Stops the server for good and deletes its files.
	 */
	@Override
	void close();

	/**
	 * Returns a new client connected to the server, which the caller closes.
	 * @return the client
	 */
	default Jedis jedis() {
		return jedis(DEFAULT_TIMEOUT);
	}

	/**
	 * Returns a new client connected to the server, which the caller closes.
	 * @param timeout the connect and socket timeout
	 * @return the client
	 */
	default Jedis jedis(Duration timeout) {
		Jedis jedis = new Jedis(host(), port(), Math.toIntExact(timeout.toMillis()));
		jedis.connect();
		return jedis;
	}

	/**
	 * Runs a command on a new connection, such as {@code command("CONFIG", "GET", "port")}.
	 * @param args the command name and its arguments
	 * @return the reply, bulk strings decoded as UTF-8 strings, {@code null} for a nil reply
	 * @throws redis.clients.jedis.exceptions.JedisDataException on an error reply
	 */
	default @Nullable Object command(String... args) {
		if (args.length == 0) {
			throw new IllegalArgumentException("'args' must name a command");
		}
		byte[] name = SafeEncoder.encode(args[0]);
		ProtocolCommand command = () -> name;
		try (Jedis jedis = jedis()) {
			return SafeEncoder.encodeObject(jedis.sendCommand(command, Arrays.copyOfRange(args, 1, args.length)));
		}
	}

	/**
	 * Disconnects every client of a type ({@code CLIENT KILL TYPE}).
	 * @param type {@code normal}, {@code pubsub}, {@code replica} or {@code master}
	 * @return how many clients were disconnected
	 */
	default long killClients(String type) {
		return (Long) command("CLIENT", "KILL", "TYPE", type);
	}

	/**
	 * Empties the script cache ({@code SCRIPT FLUSH}).
	 */
	default void scriptFlush() {
		command("SCRIPT", "FLUSH");
	}

	/**
	 * Returns how many scripts the server has run since it started ({@code EVALSHA} and
	 * {@code EVAL} calls in {@code INFO commandstats}).
	 * @return the number of script calls
	 */
	default long scriptCalls() {
		return commandCalls("evalsha") + commandCalls("eval");
	}

	/**
	 * Returns how many times the server has run {@code command} since it started, scripts' own
	 * calls included ({@code INFO commandstats}).
	 * @param command the command's name in lower case, such as {@code hgetall}
	 * @return the number of calls
	 */
	default long commandCalls(String command) {
		String prefix = "cmdstat_" + command + ":calls=";
		for (String line : String.valueOf(command("INFO", "commandstats")).split("\r\n")) {
			if (line.startsWith(prefix)) {
				return Long.parseLong(line.substring(prefix.length(), line.indexOf(',')));
			}
		}
		return 0;
	}

	/**
	 * Returns the number of keys in the current database ({@code DBSIZE}).
	 * @return the number of keys
	 */
	default long dbSize() {
		return (Long) command("DBSIZE");
	}

	/**
	 * Returns the number of keys in the current database other than distlock's fencing floors
	 * (keys with {@value #FENCING_FLOOR} in their name, one per hash slot in use, which outlive the
	 * locks on purpose): after locks are released or expired it is zero.
	 * @return the number of keys that are not fencing floors
	 */
	default long lockKeyCount() {
		long floors = 0;
		try (Jedis jedis = jedis()) {
			ScanParams match = new ScanParams().match("*" + FENCING_FLOOR + "*").count(1000);
			String cursor = ScanParams.SCAN_POINTER_START;
			do {
				ScanResult<String> page = jedis.scan(cursor, match);
				floors += page.getResult().size();
				cursor = page.getCursor();
			}
			while (!ScanParams.SCAN_POINTER_START.equals(cursor));
			return jedis.dbSize() - floors;
		}
	}

	/**
	 * Deletes every key ({@code FLUSHALL}).
	 */
	default void flushAll() {
		command("FLUSHALL");
	}

}
