package io.distlock.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.metrics.ForcedReleaseCounter;
import io.distlock.metrics.LockAcquireObservationConvention;
import io.distlock.metrics.LockHeldObservationConvention;
import io.distlock.metrics.LostLeaseCounter;
import io.distlock.metrics.MicrometerLockListener;
import io.distlock.metrics.ObservationLockListener;

/**
 * Auto-configures the {@code distlock.*} meters, unless {@code distlock.metrics.enabled=false}.
 * Exactly one path records them: observations when the context has an
 * {@link ObservationRegistry} (whose meter handler turns them into the meters, and whose tracing
 * handler into spans), else the meters directly in the {@link MeterRegistry}.
 *
 * @since 1.0.0
 */
@AutoConfiguration(before = DistributedLockAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "distlock.metrics.enabled", matchIfMissing = true)
public final class DistributedLockMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ObservationLockListener observationLockListener(ObservationRegistry registry,
				ObjectProvider<LockAcquireObservationConvention> acquireConvention,
				ObjectProvider<LockHeldObservationConvention> heldConvention) {
			return new ObservationLockListener(registry, acquireConvention.getIfUnique(),
					heldConvention.getIfUnique());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterRegistry.class, ObservationRegistry.class })
	@ConditionalOnBean({ MeterRegistry.class, ObservationRegistry.class })
	static class ObservedLostLeaseConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LostLeaseCounter lostLeaseCounter(MeterRegistry registry) {
			return new LostLeaseCounter(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class ForcedReleaseConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ForcedReleaseCounter forcedReleaseCounter(MeterRegistry registry) {
			return new ForcedReleaseCounter(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	@ConditionalOnMissingBean(type = "io.micrometer.observation.ObservationRegistry")
	static class MeterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MicrometerLockListener micrometerLockListener(MeterRegistry registry) {
			return new MicrometerLockListener(registry);
		}

	}

}
