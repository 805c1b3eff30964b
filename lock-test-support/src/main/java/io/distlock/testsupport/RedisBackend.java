package io.distlock.testsupport;

import java.util.Locale;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Where {@link RedisExtension} runs Redis, chosen with the {@value #PROPERTY} system
 * property.
 *
 * @since 1.0.0
 */
enum RedisBackend {

	/** A {@code redis-server} process on this machine: the default. */
	PROCESS(RedisServer::start),

	/** A Docker container through Testcontainers. */
	// A lambda, not a method reference: Testcontainers is optional and must only load when chosen.
	TESTCONTAINERS((options) -> ContainerRedisServer.start(options));

	/** System property selecting the backend: {@code process} or {@code testcontainers}. */
	static final String PROPERTY = "distlock.test.redis";

	private final Function<RedisOptions, RedisServer> starter;

	RedisBackend(Function<RedisOptions, RedisServer> starter) {
		this.starter = starter;
	}

	/**
	 * Starts a server with the given options.
	 * @param options the options
	 * @return the running server
	 */
	RedisServer start(RedisOptions options) {
		return this.starter.apply(options);
	}

	/**
	 * Returns the backend a property value selects.
	 * @param value the value of {@value #PROPERTY}, {@code null} for the default
	 * @return the backend
	 */
	static RedisBackend of(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return PROCESS;
		}
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(
					"-D" + PROPERTY + "=" + value + " is unknown: use 'process' or 'testcontainers'", ex);
		}
	}

}
