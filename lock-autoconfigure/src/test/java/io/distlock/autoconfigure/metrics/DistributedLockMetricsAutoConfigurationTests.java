package io.distlock.autoconfigure.metrics;

import java.time.Duration;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.metrics.DefaultLockAcquireObservationConvention;
import io.distlock.metrics.LockAcquireContext;
import io.distlock.metrics.LostLeaseCounter;
import io.distlock.metrics.MicrometerLockListener;
import io.distlock.metrics.ObservationLockListener;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DistributedLockMetricsAutoConfiguration} with Spring Boot's own meter and
 * observation registries, on a real redis-server.
 */
class DistributedLockMetricsAutoConfigurationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	/** The tags of {@link #lockOnce}'s acquisition, of a mutex, before Micrometer's {@code error} tag. */
	private static final Tags ACQUIRED_ORDERS = Tags.of("name", "orders", "outcome", "acquired", "contended", "false",
			"keys", "1", "mode", "exclusive");

	/** The tags of {@link #lockOnce}'s hold, of a mutex, before Micrometer's {@code error} tag. */
	private static final Tags HELD_ORDERS = Tags.of("name", "orders", "keys", "1", "mode", "exclusive");

	private final ApplicationContextRunner runner = runner(ObservationAutoConfiguration.class);

	private static ApplicationContextRunner runner(Class<?>... extraAutoConfigurations) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					DistributedLockMetricsAutoConfiguration.class, DistributedLockAutoConfiguration.class))
			.withConfiguration(AutoConfigurations.of(extraAutoConfigurations))
			.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
					"spring.data.redis.port=" + redis.server().port());
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	private static void lockOnce(LockManager locks) {
		locks.acquire(LockRequest.of("orders:7", Duration.ofSeconds(5)).withName("orders")).unlock();
	}

	private static long totalCount(MeterRegistry registry, String name) {
		return registry.find(name).timers().stream().mapToLong(Timer::count).sum();
	}

	private static Tags tags(Meter meter) {
		return Tags.of(meter.getId().getTags());
	}

	@Test
	void recordsEachMeterOnceThroughObservationsWhenTheContextHasAnObservationRegistry() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ObservationLockListener.class)
				.hasSingleBean(LostLeaseCounter.class)
				.doesNotHaveBean(MicrometerLockListener.class);
			LockManager locks = context.getBean(LockManager.class);
			lockOnce(locks);
			LockHandle lost = locks.acquire(LockRequest.of("orders:8", Duration.ofMillis(300)).withName("orders"));
			try (var jedis = redis.server().jedis()) {
				jedis.del("lock:orders:8");
			}
			Thread.sleep(500);
			assertThat(lost.isHeld()).isFalse();
			lost.unlock();

			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("distlock.acquire").timers()).singleElement()
				.satisfies((timer) -> assertThat(tags(timer)).isEqualTo(ACQUIRED_ORDERS.and("error", "none")));
			assertThat(registry.find("distlock.held").timers()).map(DistributedLockMetricsAutoConfigurationTests::tags)
				.containsExactlyInAnyOrder(HELD_ORDERS.and("error", "none"),
						HELD_ORDERS.and("error", "LockLostException"));
			assertThat(totalCount(registry, "distlock.acquire")).isEqualTo(2);
			assertThat(totalCount(registry, "distlock.held")).isEqualTo(2);
			assertThat(registry.find("distlock.acquire.active").longTaskTimers()).hasSize(1);
			assertThat(registry.find("distlock.held.active").longTaskTimers()).hasSize(1);
			assertThat(registry.get("distlock.lost").tag("name", "orders").counter().count()).isEqualTo(1);
			// Each meter once: distlock.held twice only for its error tag, none on release, LockLostException on loss.
			assertThat(registry.getMeters()).map((meter) -> meter.getId().getName())
				.filteredOn((name) -> name.startsWith("distlock."))
				.containsExactlyInAnyOrder("distlock.acquire", "distlock.acquire.active", "distlock.held",
						"distlock.held", "distlock.held.active", "distlock.lost");
		});
	}

	@Test
	void recordsMetersDirectlyWithoutAnObservationRegistry() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(MicrometerLockListener.class)
				.doesNotHaveBean(ObservationLockListener.class)
				.doesNotHaveBean(LostLeaseCounter.class);
			lockOnce(context.getBean(LockManager.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(totalCount(registry, "distlock.held")).isEqualTo(1);
			Timer acquired = registry.get("distlock.acquire").tags(ACQUIRED_ORDERS).timer();
			assertThat(acquired.count()).isOne();
			assertThat(tags(acquired)).isEqualTo(ACQUIRED_ORDERS);
			assertThat(registry.find("distlock.held").timers()).map(DistributedLockMetricsAutoConfigurationTests::tags)
				.containsExactly(HELD_ORDERS);
		});
	}

	@Test
	void userConventionBeanRenamesAndRetagsTheAcquireObservation() {
		this.runner.withUserConfiguration(TeamConventionConfiguration.class).run((context) -> {
			lockOnce(context.getBean(LockManager.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("distlock.acquire").timers()).isEmpty();
			assertThat(registry.get("billing.lock.acquire").tags("name", "orders", "team", "billing").timer().count())
				.isEqualTo(1);
			assertThat(registry.get("billing.lock.acquire.active").tags("name", "orders", "team", "billing")
				.longTaskTimer()
				.activeTasks()).isZero();
			assertThat(totalCount(registry, "distlock.held")).isEqualTo(1);
		});
	}

	@Test
	void recordsNothingWhenDisabled() {
		this.runner.withPropertyValues("distlock.metrics.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ObservationLockListener.class)
				.doesNotHaveBean(LostLeaseCounter.class)
				.doesNotHaveBean(MicrometerLockListener.class);
			lockOnce(context.getBean(LockManager.class));
			assertThat(context.getBean(MeterRegistry.class).find("distlock.acquire").meters()).isEmpty();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class TeamConventionConfiguration {

		@Bean
		DefaultLockAcquireObservationConvention teamConvention() {
			return new DefaultLockAcquireObservationConvention() {

				@Override
				public String getName() {
					return "billing.lock.acquire";
				}

				@Override
				public KeyValues getLowCardinalityKeyValues(LockAcquireContext context) {
					return super.getLowCardinalityKeyValues(context).and("team", "billing");
				}

			};
		}

	}

}
