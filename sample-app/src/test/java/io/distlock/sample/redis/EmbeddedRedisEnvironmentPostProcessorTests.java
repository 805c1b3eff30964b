package io.distlock.sample.redis;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedRedisEnvironmentPostProcessor} that start no server.
 */
class EmbeddedRedisEnvironmentPostProcessorTests {

	private final EmbeddedRedisEnvironmentPostProcessor postProcessor = new EmbeddedRedisEnvironmentPostProcessor(
			(log) -> log.get());

	@Test
	void startsNothingWhenToldNever() {
		assertStartsNothing(new MockEnvironment().withProperty("sample.embedded-redis", "never"));
	}

	@Test
	void startsNothingInAutoWhenHostIsConfigured() {
		assertStartsNothing(new MockEnvironment().withProperty("spring.data.redis.host", "redis.example.com"));
	}

	@Test
	void startsNothingInAutoWhenUrlIsConfigured() {
		assertStartsNothing(new MockEnvironment().withProperty("sample.embedded-redis", "auto")
			.withProperty("spring.data.redis.url", "redis://redis.example.com:6380"));
	}

	@Test
	void startsNothingInAutoWhenClusterNodesAreConfiguredByIndex() {
		assertStartsNothing(new MockEnvironment().withProperty("spring.data.redis.cluster.nodes[0]", "10.0.0.1:7000"));
	}

	private void assertStartsNothing(MockEnvironment environment) {
		SpringApplication application = new SpringApplication();
		int initializers = application.getInitializers().size();
		this.postProcessor.postProcessEnvironment(environment, application);
		assertThat(environment.getPropertySources())
			.noneMatch((source) -> source.getName().equals(EmbeddedRedisEnvironmentPostProcessor.PROPERTY_SOURCE_NAME));
		assertThat(application.getInitializers()).hasSize(initializers);
	}

}
