package io.distlock.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How to start a Redis server: its mode, extra configuration directives, binary, start
 * timeout and extra environment variables. Immutable: each {@code with...} method returns a copy.
 * <p>
 * Directives are {@code redis.conf} lines, the same as {@code redis-server} arguments
 * without the leading {@code --}: {@code with("maxmemory", "10mb")}. A later directive
 * overrides an earlier one of the same name, as in {@code redis.conf}.
 *
 * @since 1.0.0
 */
public final class RedisOptions {

	private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);

	private static final String SENTINEL_DOWN_AFTER_MILLIS = "1000";

	private static final String SENTINEL_FAILOVER_TIMEOUT_MILLIS = "2000";

	private final Mode mode;

	private final List<Directive> directives;

	private final @Nullable RedisBinary binary;

	private final Duration startTimeout;

	private final Map<String, String> environment;

	private RedisOptions(Mode mode, List<Directive> directives, @Nullable RedisBinary binary,
			Duration startTimeout, Map<String, String> environment) {
		this.mode = mode;
		this.directives = List.copyOf(directives);
		this.binary = binary;
		this.startTimeout = startTimeout;
		this.environment = Map.copyOf(environment);
	}

	/**
	 * Returns the options of a plain, non-persistent server.
	 * @return the default options
	 */
	public static RedisOptions defaults() {
		return new RedisOptions(Mode.STANDALONE, List.of(), null, DEFAULT_START_TIMEOUT, Map.of());
	}

	/**
	 * Returns the options of a server in cluster mode ({@code cluster-enabled yes}, its
	 * {@code nodes.conf} in the server's directory), with no slots assigned. On Redis 7
	 * and later its cluster bus gets a free port of its own ({@code cluster-port}); older
	 * versions, which lack that directive, use the port + 10000, checked free too.
	 * @return the cluster options
	 */
	public static RedisOptions cluster() {
		return new RedisOptions(Mode.CLUSTER, List.of(), null, DEFAULT_START_TIMEOUT, Map.of());
	}

	/**
	 * Returns the options of a Sentinel monitoring a master on the loopback address, with
	 * a 1 s {@code down-after-milliseconds} and a 2 s {@code failover-timeout}.
	 * @param masterName the name the master is monitored under
	 * @param masterPort the master's port on {@code 127.0.0.1}
	 * @param quorum how many Sentinels must agree the master is down
	 * @return the Sentinel options
	 */
	public static RedisOptions sentinel(String masterName, int masterPort, int quorum) {
		if (masterName == null || masterName.isBlank() || masterName.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalArgumentException("'masterName' must be a non-blank word, was '" + masterName + "'");
		}
		if (masterPort < 1 || masterPort > 65535) {
			throw new IllegalArgumentException("'masterPort' must be a TCP port, was " + masterPort);
		}
		if (quorum < 1) {
			throw new IllegalArgumentException("'quorum' must be at least 1, was " + quorum);
		}
		return new RedisOptions(Mode.SENTINEL, List.of(), null, DEFAULT_START_TIMEOUT, Map.of())
			.with("sentinel", "monitor", masterName, FreePorts.HOST, Integer.toString(masterPort),
					Integer.toString(quorum))
			.with("sentinel", "down-after-milliseconds", masterName, SENTINEL_DOWN_AFTER_MILLIS)
			.with("sentinel", "failover-timeout", masterName, SENTINEL_FAILOVER_TIMEOUT_MILLIS);
	}

	/**
	 * Returns a copy with one more configuration directive.
	 * @param name the directive, such as {@code maxmemory}
	 * @param values its values, such as {@code 10mb}
	 * @return the new options
	 */
	public RedisOptions with(String name, String... values) {
		List<Directive> directives = new ArrayList<>(this.directives);
		directives.add(new Directive(name, List.of(values)));
		return new RedisOptions(this.mode, directives, this.binary, this.startTimeout, this.environment);
	}

	/**
	 * Returns a copy that runs the given binary instead of {@link RedisBinary#detect()}.
	 * Ignored when Redis runs in a container.
	 * @param binary the binary
	 * @return the new options
	 */
	public RedisOptions binary(RedisBinary binary) {
		Objects.requireNonNull(binary, "'binary' must not be null");
		return new RedisOptions(this.mode, this.directives, binary, this.startTimeout, this.environment);
	}

	/**
	 * Returns a copy that waits {@code timeout} for the server to answer {@code PING}.
	 * @param timeout the start timeout, 10 s by default
	 * @return the new options
	 */
	public RedisOptions startTimeout(Duration timeout) {
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("'timeout' must be positive, was " + timeout);
		}
		return new RedisOptions(this.mode, this.directives, this.binary, timeout, this.environment);
	}

	/**
	 * Returns a copy that starts the process with one more environment variable, such as
	 * {@code LD_PRELOAD}. Ignored when Redis runs in a container.
	 * @param name the variable
	 * @param value its value
	 * @return the new options
	 */
	public RedisOptions environment(String name, String value) {
		if (name == null || name.isBlank() || value == null) {
			throw new IllegalArgumentException("An environment variable needs a name and a value, got " + name);
		}
		Map<String, String> environment = new LinkedHashMap<>(this.environment);
		environment.put(name, value);
		return new RedisOptions(this.mode, this.directives, this.binary, this.startTimeout, environment);
	}

	Mode mode() {
		return this.mode;
	}

	List<Directive> directives() {
		return this.directives;
	}

	RedisBinary binaryOrDetected() {
		return (this.binary != null) ? this.binary : RedisBinary.detect();
	}

	Duration startTimeout() {
		return this.startTimeout;
	}

	Map<String, String> environment() {
		return this.environment;
	}

	/**
	 * What a server is started as.
	 */
	enum Mode {

		/** A plain server. */
		STANDALONE,

		/** A cluster node without slots. */
		CLUSTER,

		/** A Sentinel. */
		SENTINEL

	}

	/**
	 * One configuration directive.
	 *
	 * @param name the directive
	 * @param values its values
	 */
	record Directive(String name, List<String> values) {

		Directive {
			if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
				throw new IllegalArgumentException("Directive name must be a non-blank word, was '" + name + "'");
			}
			values = List.copyOf(values);
		}

	}

}
