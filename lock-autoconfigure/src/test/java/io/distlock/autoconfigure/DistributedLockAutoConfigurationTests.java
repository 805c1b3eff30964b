package io.distlock.autoconfigure;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.distlock.aop.DistributedLockAspect;
import io.distlock.aop.LockDefinitionSource;
import io.distlock.aop.LockDefinitionValidator;
import io.distlock.core.LockHandle;
import io.distlock.core.LockListener;
import io.distlock.core.LockManager;
import io.distlock.core.LockResult;
import io.distlock.core.LockSettings;
import io.distlock.core.LockStatus;
import io.distlock.redis.RedisLockManager;
import io.distlock.redis.RedisLockOptions;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DistributedLockAutoConfiguration} and {@link DistributedLockProperties}.
 */
class DistributedLockAutoConfigurationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				DistributedLockAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port());

	private final ApplicationContextRunner runnerWithoutRedis = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DistributedLockAutoConfiguration.class));

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void configuresLockManagerAndAspectWithDefaults() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RedisLockManager.class)
				.hasSingleBean(DistributedLockAspect.class)
				.hasSingleBean(LockDefinitionSource.class)
				.hasSingleBean(LockDefinitionValidator.class);
			assertThat(context.getBean(DistributedLockAspect.class).getOrder())
				.isEqualTo(DistributedLockAspect.DEFAULT_ORDER);
			DistributedLockProperties properties = context.getBean(DistributedLockProperties.class);
			assertThat(properties.getKeyPrefix()).isEqualTo("lock:");
			assertThat(properties.getDefaultTtl()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.getDefaultWaitTime()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.getMaxWaitersPerKey()).isEqualTo(1000);
			assertThat(properties.getRetry().getInitialInterval()).isEqualTo(Duration.ofMillis(20));
			assertThat(properties.getRetry().getMaxInterval()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getRedis().getFairHandOverWindow()).isEqualTo(Duration.ofMillis(50));
			try (LockHandle handle = context.getBean(LockManager.class).lock("auto", Duration.ofSeconds(5))) {
				assertThat(handle.await().acquired()).isTrue();
				assertThat(redis.server().command("EXISTS", "lock:auto")).isEqualTo(1L);
			}
		});
	}

	@Test
	void bindsProperties() {
		this.runner
			.withPropertyValues("distlock.key-prefix=app:", "distlock.default-ttl=5s",
					"distlock.default-wait-time=250ms", "distlock.max-waiters-per-key=1", "distlock.aspect-order=42",
					"distlock.retry.initial-interval=5ms", "distlock.retry.max-interval=100ms",
					"distlock.redis.fair-hand-over-window=75ms")
			.run((context) -> {
				DistributedLockProperties properties = context.getBean(DistributedLockProperties.class);
				assertThat(properties.getDefaultTtl()).isEqualTo(Duration.ofSeconds(5));
				assertThat(properties.getRetry().getInitialInterval()).isEqualTo(Duration.ofMillis(5));
				assertThat(properties.getRetry().getMaxInterval()).isEqualTo(Duration.ofMillis(100));
				assertThat(properties.getRedis().getFairHandOverWindow()).isEqualTo(Duration.ofMillis(75));
				assertThat(context.getBean(DistributedLockAspect.class).getOrder()).isEqualTo(42);
				LockManager locks = context.getBean(LockManager.class);
				try (LockHandle held = locks.lock("bound", Duration.ofSeconds(5))) {
					assertThat(held.await().acquired()).isTrue();
					assertThat(redis.server().command("EXISTS", "app:bound")).isEqualTo(1L);
					long start = System.nanoTime();
					LockResult waited = locks.lock("bound", Duration.ofSeconds(5)).await();
					assertThat(waited.status()).isEqualTo(LockStatus.TIMED_OUT);
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(200),
							Duration.ofSeconds(3));
					LockHandle queued = locks.lock("bound", Duration.ofSeconds(5));
					assertThat(locks.lock("bound", Duration.ofSeconds(5)).await().status())
						.as("max-waiters-per-key=1 rejects a second waiter")
						.isEqualTo(LockStatus.REJECTED);
					queued.cancel();
				}
			});
	}

	@Test
	void releasesHeldLocksWhenTheContextCloses() {
		this.runner.run((context) -> {
			LockHandle handle = context.getBean(LockManager.class).lock("left", Duration.ofMinutes(5));
			assertThat(handle.await().acquired()).isTrue();
			assertThat(redis.server().lockKeyCount()).isOne();
		});
		assertThat(redis.server().lockKeyCount()).isZero();
	}

	@Test
	void keepsLockManagerWorkingWhenTheContextIsPausedAndRestarted() {
		// As Spring's test context cache does with a cached context while another one is in use.
		this.runner.run((context) -> {
			context.getSourceApplicationContext().pause();
			context.getSourceApplicationContext().restart();
			try (LockHandle handle = context.getBean(LockManager.class).lock("resumed", Duration.ofSeconds(5))) {
				assertThat(handle.await().acquired()).isTrue();
			}
		});
	}

	@Test
	void usesLockListenerBean() {
		this.runner.withUserConfiguration(ListenerConfiguration.class).run((context) -> {
			try (LockHandle handle = context.getBean(LockManager.class).lock("heard", Duration.ofSeconds(5))) {
				handle.await();
			}
			assertThat(context.getBean(ListenerConfiguration.class).requests.get()).isEqualTo(1);
		});
	}

	@Test
	void backsOffWhenUserDefinesLockManager() {
		this.runner.withUserConfiguration(UserLockManagerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(LockManager.class)
				.hasBean("userLockManager")
				.doesNotHaveBean(LockManagerLifecycle.class);
			assertThat(context).hasSingleBean(DistributedLockAspect.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesAspect() {
		this.runner.withUserConfiguration(UserAspectConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(DistributedLockAspect.class).hasBean("userAspect");
			assertThat(context.getBean(DistributedLockAspect.class).getOrder()).isEqualTo(7);
		});
	}

	@Test
	void backsOffWhenUserDefinesDefinitionSource() {
		this.runner.withUserConfiguration(UserDefinitionSourceConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(LockDefinitionSource.class)
				.hasBean("userDefinitionSource")
				.hasSingleBean(LockDefinitionValidator.class));
	}

	@Test
	void configuresNoLockManagerOrAspectWithoutConnectionFactory() {
		this.runnerWithoutRedis
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LockManager.class)
				.doesNotHaveBean(DistributedLockAspect.class));
	}

	@Test
	void configuresNoLockManagerWithoutSpringDataRedis() {
		this.runnerWithoutRedis
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LockManager.class)
				.doesNotHaveBean(DistributedLockAspect.class));
	}

	@Test
	void configuresNoAspectWithoutAspectJ() {
		this.runner.withClassLoader(new FilteredClassLoader("org.aspectj.weaver"))
			.run((context) -> assertThat(context).hasSingleBean(LockManager.class)
				.doesNotHaveBean(DistributedLockAspect.class)
				.doesNotHaveBean(LockDefinitionSource.class)
				.doesNotHaveBean(LockDefinitionValidator.class));
	}

	@Test
	void configuresNothingWhenDisabled() {
		this.runner.withPropertyValues("distlock.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LockManager.class)
				.doesNotHaveBean(DistributedLockAspect.class)
				.doesNotHaveBean(LockDefinitionSource.class)
				.doesNotHaveBean(DistributedLockProperties.class));
	}

	@Test
	void failsOnNegativeDefaultTtl() {
		this.runner.withPropertyValues("distlock.default-ttl=-1s")
			.run((context) -> assertBindingFailure(context, "distlock.default-ttl must be at least 1ms"));
	}

	@Test
	void failsOnNegativeDefaultWaitTime() {
		this.runner.withPropertyValues("distlock.default-wait-time=-5ms")
			.run((context) -> assertBindingFailure(context, "distlock.default-wait-time must not be negative"));
	}

	@Test
	void failsOnNegativeMaxWaitersPerKey() {
		this.runner.withPropertyValues("distlock.max-waiters-per-key=-1")
			.run((context) -> assertBindingFailure(context, "distlock.max-waiters-per-key must not be negative"));
	}

	@Test
	void failsOnZeroRetryInterval() {
		this.runner.withPropertyValues("distlock.retry.initial-interval=0ms")
			.run((context) -> assertBindingFailure(context, "distlock.retry.initial-interval must be at least 1ms"));
	}

	@Test
	void failsOnRetryMaxBelowInitial() {
		this.runner.withPropertyValues("distlock.retry.initial-interval=2s", "distlock.retry.max-interval=1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Retry intervals must be at least 1ms and max >= initial"));
	}

	@Test
	void failsOnTooManyLocalHandOffs() {
		this.runner.withPropertyValues("distlock.local-hand-off.max-count=1001")
			.run((context) -> assertBindingFailure(context,
					"distlock.local-hand-off.max-count must be between 0 and 1000, got 1001"));
	}

	@Test
	void defaultPropertiesGiveTheLockManagerDefaults() {
		assertThat(new DistributedLockProperties().lockSettings()).isEqualTo(LockSettings.DEFAULTS);
	}

	@Test
	void bindsReplicaAcknowledgementAndRejectsANegativeCount() {
		this.runner.withPropertyValues("distlock.redis.replica-acks=2", "distlock.redis.replica-ack-timeout=150ms")
			.run((context) -> {
				DistributedLockProperties.Redis properties = context.getBean(DistributedLockProperties.class).getRedis();
				assertThat(properties.getReplicaAcks()).isEqualTo(2);
				assertThat(properties.getReplicaAckTimeout()).isEqualTo(Duration.ofMillis(150));
			});
		this.runner.withPropertyValues("distlock.redis.replica-acks=-1")
			.run((context) -> assertBindingFailure(context, "distlock.redis.replica-acks must not be negative"));
		this.runner.withPropertyValues("distlock.redis.replica-ack-timeout=0ms")
			.run((context) -> assertBindingFailure(context,
					"distlock.redis.replica-ack-timeout must be at least 1ms"));
	}

	@Test
	void failsOnZeroFairHandOverWindow() {
		this.runner.withPropertyValues("distlock.redis.fair-hand-over-window=0s")
			.run((context) -> assertBindingFailure(context,
					"distlock.redis.fair-hand-over-window must be at least 1ms"));
	}

	@Test
	void describesEveryPropertyWithItsDefaultInMetadata() throws Exception {
		String json;
		try (InputStream in = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> properties = (List<Map<String, Object>>) JsonParserFactory.getJsonParser()
			.parseMap(json)
			.get("properties");
		Map<String, Object> expectedDefaults = Map.ofEntries(Map.entry("distlock.enabled", true),
				Map.entry("distlock.key-prefix", "lock:"), Map.entry("distlock.default-ttl", "30s"),
				Map.entry("distlock.default-wait-time", "10s"), Map.entry("distlock.max-waiters-per-key", 1000),
				Map.entry("distlock.aspect-order", DistributedLockAspect.DEFAULT_ORDER),
				Map.entry("distlock.retry.initial-interval", "20ms"), Map.entry("distlock.retry.max-interval", "1s"),
				Map.entry("distlock.redis.fair-hand-over-window", "50ms"),
				Map.entry("distlock.local-hand-off.window", "2ms"), Map.entry("distlock.local-hand-off.max-count", 32),
				Map.entry("distlock.redis.replica-acks", 0), Map.entry("distlock.redis.replica-ack-timeout", "500ms"));
		expectedDefaults.forEach((name, expected) -> {
			Map<String, Object> property = properties.stream()
				.filter((candidate) -> name.equals(candidate.get("name")))
				.findFirst()
				.orElseThrow(() -> new AssertionError("No metadata for " + name));
			assertThat(property.get("description")).as(name).asString().isNotBlank();
			Object actual = property.get("defaultValue");
			if (expected instanceof Number number) {
				assertThat(actual).as(name).isInstanceOfSatisfying(Number.class,
						(value) -> assertThat(value.longValue()).isEqualTo(number.longValue()));
			}
			else {
				assertThat(actual).as(name).isEqualTo(expected);
			}
		});
	}

	private static void assertBindingFailure(AssertableApplicationContext context, String reason) {
		assertThat(context).hasFailed();
		assertThat(context).getFailure().hasStackTraceContaining("Failed to bind properties under 'distlock");
		assertThat(context).getFailure().rootCause().hasMessageContaining(reason);
	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		final AtomicInteger requests = new AtomicInteger();

		@Bean
		LockListener countingListener() {
			return (request) -> {
				this.requests.incrementAndGet();
				return LockListener.AcquisitionTracker.NO_OP;
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserLockManagerConfiguration {

		@Bean(destroyMethod = "close")
		LockManager userLockManager(RedisConnectionFactory connectionFactory) {
			return new RedisLockManager(connectionFactory, RedisLockOptions.DEFAULTS.withKeyPrefix("user:"),
					LockSettings.DEFAULTS, LockListener.NO_OP);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAspectConfiguration {

		@Bean
		DistributedLockAspect userAspect(LockManager lockManager, LockDefinitionSource definitions) {
			DistributedLockAspect aspect = new DistributedLockAspect(lockManager, definitions, Duration.ofSeconds(1),
					Duration.ZERO);
			aspect.setOrder(7);
			return aspect;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDefinitionSourceConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static LockDefinitionSource userDefinitionSource(BeanFactory beanFactory, Environment environment) {
			return new LockDefinitionSource(beanFactory, environment);
		}

	}

}
