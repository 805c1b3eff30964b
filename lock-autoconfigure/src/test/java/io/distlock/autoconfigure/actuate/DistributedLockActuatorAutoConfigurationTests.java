package io.distlock.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.distlock.actuate.DistributedLockHealthIndicator;
import io.distlock.actuate.LocksEndpoint;
import io.distlock.actuate.LocksEndpointWebExtension;
import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.autoconfigure.metrics.DistributedLockMetricsAutoConfiguration;
import io.distlock.core.LockHandle;
import io.distlock.core.LockIntrospector;
import io.distlock.core.LockListener;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.metrics.MicrometerLockListener;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DistributedLockActuatorAutoConfiguration} and
 * {@link DistributedLockMetricsAutoConfiguration} in application contexts on a real
 * redis-server.
 */
class DistributedLockActuatorAutoConfigurationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, EndpointAutoConfiguration.class,
				DistributedLockMetricsAutoConfiguration.class, DistributedLockAutoConfiguration.class,
				DistributedLockActuatorAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port());

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void locksEndpointOnlyWhenExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(LocksEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=locks")
			.run((context) -> assertThat(context).hasSingleBean(LocksEndpoint.class));
	}

	@Test
	void forcedReleaseOverHttpOnlyWhenTheEndpointIsExposedOverHttp() {
		this.runner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=locks")
			.run((context) -> assertThat(context).hasSingleBean(LocksEndpoint.class)
				.doesNotHaveBean(LocksEndpointWebExtension.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=locks")
			.run((context) -> assertThat(context).hasSingleBean(LocksEndpointWebExtension.class));
	}

	@Test
	void aForcedReleaseIsCountedByNameAndItsHolderInThisProcessHearsAtOnce() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			LockManager locks = context.getBean(LockManager.class);
			LockHandle held = locks.acquire(LockRequest.of("ledger:42", Duration.ofSeconds(10)).withName("ledger"));
			assertThat(context.getBean(LockIntrospector.class).forceRelease("ledger:42")).isNotNull()
				.satisfies((evicted) -> assertThat(evicted.fencingToken()).isEqualTo(held.fencingToken()));
			assertThat(context.getBean(LockIntrospector.class).forceRelease("ledger:42")).as("nothing held").isNull();
			assertThat(context.getBean(MeterRegistry.class).counter("distlock.forced", "name", "ledger").count())
				.isEqualTo(1);
			assertThat(held.leaseLost()).succeedsWithin(Duration.ofSeconds(1));
			held.unlock();
		});
	}

	@Test
	void locksEndpointShowsHeldLocksAndWaiters() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=locks").run((context) -> {
			LockManager locks = context.getBean(LockManager.class);
			LockHandle held = locks.acquire(LockRequest.of("ledger:42", Duration.ofSeconds(10)).withName("ledger"));
			LockHandle waiting = locks.lock("ledger:42", Duration.ofSeconds(10), Duration.ofSeconds(10));
			LocksEndpoint.LocksDescriptor descriptor = context.getBean(LocksEndpoint.class).locks();
			assertThat(descriptor.held()).singleElement().satisfies((state) -> {
				assertThat(state.key()).isEqualTo("ledger:42");
				assertThat(state.name()).isEqualTo("ledger");
				assertThat(state.fencingToken()).isEqualTo(held.fencingToken());
				assertThat(state.leaseRemaining()).isPositive();
			});
			assertThat(descriptor.waiting()).singleElement().satisfies((waiters) -> {
				assertThat(waiters.key()).isEqualTo("ledger:42");
				assertThat(waiters.waiters()).isEqualTo(1);
				assertThat(waiters.heldHere()).isTrue();
			});
			waiting.cancel();
			held.unlock();
			assertThat(context.getBean(LocksEndpoint.class).locks().held()).isEmpty();
		});
	}

	@Test
	void healthIsUpWhileRedisServesLocksAndDownWithTheCauseOtherwise() {
		RedisServer server = redis.startAnother();
		this.runner
			.withPropertyValues("spring.data.redis.port=" + server.port(), "spring.data.redis.timeout=500ms")
			.run((context) -> {
				DistributedLockHealthIndicator health = context.getBean("distlockHealthIndicator",
						DistributedLockHealthIndicator.class);
				assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
				server.kill();
				Health down = health.health(true);
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails()).containsKey("error");
			});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.distlock.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DistributedLockHealthIndicator.class));
	}

	@Test
	void metersRecordLocksTakenThroughTheManagerAlongsideUserListeners() {
		this.runner.withUserConfiguration(MeterRegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MicrometerLockListener.class);
			context.getBean(LockManager.class)
				.acquire(LockRequest.of("orders:7", Duration.ofSeconds(5)).withName("orders"))
				.unlock();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("distlock.held").tag("name", "orders").timer().count()).isEqualTo(1);
			assertThat(context.getBean(RecordingListener.class).requested).containsExactly("orders:7");
		});
	}

	@Test
	void metersCanBeDisabled() {
		this.runner.withUserConfiguration(MeterRegistryConfiguration.class)
			.withPropertyValues("distlock.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerLockListener.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		RecordingListener recordingListener() {
			return new RecordingListener();
		}

	}

	static class RecordingListener implements LockListener {

		final List<String> requested = new ArrayList<>();

		@Override
		public AcquisitionTracker requested(LockRequest request) {
			this.requested.add(request.key());
			return AcquisitionTracker.NO_OP;
		}

	}

}
