package io.distlock.sample.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.distlock.sample.SampleApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedRedis} started by the sample application.
 */
class EmbeddedRedisIntegrationTests {

	private static final int DEFAULT_PORT = 6379;

	@Test
	void startsRedisOnAFreePortAndStopsItAfterTheConnectionFactories() {
		int port;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--sample.embedded-redis=always", "--server.port=0")) {
			port = context.getBean(EmbeddedRedis.class).port();
			assertThat(port).isNotEqualTo(DEFAULT_PORT);
			assertThat(context.getEnvironment().getProperty("spring.data.redis.port", Integer.class)).isEqualTo(port);
			for (String name : context.getBeanNamesForType(RedisConnectionFactory.class)) {
				assertThat(context.getBeanFactory().getBeanDefinition(name).getDependsOn())
					.as("dependencies of %s", name)
					.contains(EmbeddedRedisEnvironmentPostProcessor.BEAN_NAME);
			}
			try (RedisConnection connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
				assertThat(connection.ping()).isEqualTo("PONG");
				assertThat(connection.serverCommands().info("server").getProperty("tcp_port"))
					.isEqualTo(Integer.toString(port));
			}
		}
		assertThat(listening(port)).as("redis-server still listening after the context closed").isFalse();
	}

	private static boolean listening(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(EmbeddedRedis.HOST, port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
