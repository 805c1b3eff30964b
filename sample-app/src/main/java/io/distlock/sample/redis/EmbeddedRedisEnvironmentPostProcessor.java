package io.distlock.sample.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.StringUtils;

/**
 * Starts an {@link EmbeddedRedis} and points {@code spring.data.redis.host} and {@code port} at
 * it, as {@value #MODE_PROPERTY} says: {@code auto} (the default) when no Redis connection is
 * configured and nothing listens on {@code localhost:6379}, {@code always}, or {@code never}.
 * The server stops with the application context, after everything that uses Redis, and at the
 * latest when the JVM exits.
 *
 * @since 1.0.0
 */
public final class EmbeddedRedisEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** The property that decides whether to start a server. */
	static final String MODE_PROPERTY = "sample.embedded-redis";

	static final String BEAN_NAME = "embeddedRedis";

	static final String PROPERTY_SOURCE_NAME = "embeddedRedis";

	private static final List<String> CONNECTION_PROPERTIES = List.of("spring.data.redis.url",
			"spring.data.redis.host", "spring.data.redis.port", "spring.data.redis.sentinel.nodes",
			"spring.data.redis.cluster.nodes");

	private static final String DEFAULT_HOST = "localhost";

	private static final int DEFAULT_PORT = 6379;

	private static final int PROBE_TIMEOUT_MILLIS = 200;

	private final Log logger;

	/**
	 * Creates a new instance.
	 * @param logFactory the logs that are replayed once logging is set up
	 */
	public EmbeddedRedisEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(EmbeddedRedisEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		// After application.yml, command-line and test properties are in the environment.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		Mode mode = binder.bind(MODE_PROPERTY, Mode.class).orElse(Mode.AUTO);
		if (!mode.starts(binder)) {
			if (mode == Mode.AUTO && !Mode.connectionConfigured(binder)) {
				this.logger.info("Using the Redis that answers on " + DEFAULT_HOST + ":" + DEFAULT_PORT + "; set "
						+ MODE_PROPERTY + "=always to start one of this application's own instead");
			}
			return;
		}
		EmbeddedRedis redis = EmbeddedRedis.start();
		SpringApplication.getShutdownHandlers().add(redis::close);
		application.addInitializers(new StopWithContext(redis));
		environment.getPropertySources()
			.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of("spring.data.redis.host", EmbeddedRedis.HOST, "spring.data.redis.port", redis.port())));
		this.logger.info("Started " + redis + " for this application; set spring.data.redis.host (or "
				+ MODE_PROPERTY + "=never) to use your own Redis");
	}

	/**
	 * Whether to start a server.
	 */
	enum Mode {

		/** Only when no Redis connection is configured and nothing listens on the default port. */
		AUTO,

		/** Always, overriding {@code spring.data.redis.host} and {@code port}. */
		ALWAYS,

		/** Never. */
		NEVER;

		boolean starts(Binder binder) {
			return switch (this) {
				case ALWAYS -> true;
				case NEVER -> false;
				case AUTO -> !connectionConfigured(binder) && !listening(DEFAULT_HOST, DEFAULT_PORT);
			};
		}

		private static boolean connectionConfigured(Binder binder) {
			// Bound as lists so that indexed forms such as cluster.nodes[0] count too.
			return CONNECTION_PROPERTIES.stream()
				.anyMatch((name) -> binder.bind(name, Bindable.listOf(String.class))
					.map((values) -> values.stream().anyMatch(StringUtils::hasText))
					.orElse(false));
		}

		private static boolean listening(String host, int port) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MILLIS);
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

	/**
	 * Makes the server a bean that every Redis connection factory depends on, so the context
	 * stops it after closing everything that uses Redis.
	 */
	private static final class StopWithContext implements ApplicationContextInitializer<GenericApplicationContext> {

		private final EmbeddedRedis redis;

		StopWithContext(EmbeddedRedis redis) {
			this.redis = redis;
		}

		@Override
		public void initialize(GenericApplicationContext context) {
			context.registerBean(BEAN_NAME, EmbeddedRedis.class, () -> this.redis);
			context.addBeanFactoryPostProcessor((beanFactory) -> {
				for (String name : beanFactory.getBeanNamesForType(RedisConnectionFactory.class, true, false)) {
					if (beanFactory.containsBeanDefinition(name)) {
						BeanDefinition definition = beanFactory.getBeanDefinition(name);
						definition.setDependsOn(StringUtils.addStringToArray(definition.getDependsOn(), BEAN_NAME));
					}
				}
			});
		}

	}

}
