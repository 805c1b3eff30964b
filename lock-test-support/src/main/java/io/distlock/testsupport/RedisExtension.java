package io.distlock.testsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a Redis server before the tests of a class and stops it, and every server
 * started through {@link #startServer(RedisOptions)}, after them. Register it in a static
 * field: <pre class="code">
 * &#64;RegisterExtension
 * static final RedisExtension redis = new RedisExtension();
 * </pre> Test and lifecycle methods may also declare a {@link RedisServer} parameter.
 * Data is not flushed between tests unless a test calls {@link #flushAll()}.
 * <p>
 * Servers are processes unless {@code -Ddistlock.test.redis=testcontainers} asks for
 * Docker containers.
 *
 * @since 1.0.0
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private final RedisOptions options;

	private final RedisBackend backend;

	private final List<RedisServer> servers = Collections.synchronizedList(new ArrayList<>());

	private volatile @Nullable RedisServer server;

	private volatile @Nullable String owner;

	/**
	 * Creates an extension that starts a plain server.
	 */
	public RedisExtension() {
		this(RedisOptions.defaults());
	}

	/**
	 * Creates an extension that starts a server with the given options.
	 * @param options the options of the class's server
	 */
	public RedisExtension(RedisOptions options) {
		this(options, RedisBackend.of(System.getProperty(RedisBackend.PROPERTY)));
	}

	RedisExtension(RedisOptions options, RedisBackend backend) {
		this.options = Objects.requireNonNull(options, "'options' must not be null");
		this.backend = backend;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		// Nested classes inherit the extension: they share the outer class's server.
		if (this.owner == null) {
			this.owner = context.getUniqueId();
			this.server = startServer(this.options);
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (!context.getUniqueId().equals(this.owner)) {
			return;
		}
		this.owner = null;
		this.server = null;
		List<RedisServer> started;
		synchronized (this.servers) {
			started = new ArrayList<>(this.servers);
			this.servers.clear();
		}
		Collections.reverse(started);
		RedisServers.closeAll(started);
	}

	/**
	 * Returns the server started for the test class.
	 * @return the server
	 * @throws IllegalStateException outside the class's tests
	 */
	public RedisServer server() {
		RedisServer server = this.server;
		if (server == null) {
			throw new IllegalStateException(
					"No Redis server: register RedisExtension in a static @RegisterExtension field");
		}
		return server;
	}

	/**
	 * Starts one more plain server, stopped with the others after the test class.
	 * @return the new server
	 */
	public RedisServer startAnother() {
		return startServer(RedisOptions.defaults());
	}

	/**
	 * Starts one more server, stopped with the others after the test class.
	 * @param options the new server's options
	 * @return the new server
	 */
	public RedisServer startServer(RedisOptions options) {
		RedisServer server = this.backend.start(options);
		this.servers.add(server);
		return server;
	}

	/**
	 * Deletes every key of the class's server.
	 */
	public void flushAll() {
		server().flushAll();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server();
	}

}
