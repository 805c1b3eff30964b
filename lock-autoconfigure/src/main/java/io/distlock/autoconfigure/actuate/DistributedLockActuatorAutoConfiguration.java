package io.distlock.autoconfigure.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.distlock.actuate.DistributedLockHealthIndicator;
import io.distlock.actuate.LocksEndpoint;
import io.distlock.actuate.LocksEndpointWebExtension;
import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.autoconfigure.leader.LeaderElectionAutoConfiguration;
import io.distlock.core.LockIntrospector;
import io.distlock.leader.LeaderElection;

/**
 * Auto-configures the {@code locks} endpoint (exposed only when the user exposes it; its forced
 * release over HTTP only when its access is also raised above read-only) and the
 * {@code distlock} health indicator for a lock manager that can show its state.
 *
 * @since 1.0.0
 */
@AutoConfiguration(after = { DistributedLockAutoConfiguration.class, LeaderElectionAutoConfiguration.class })
@ConditionalOnBean(LockIntrospector.class)
public final class DistributedLockActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class LocksEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		LocksEndpoint locksEndpoint(LockIntrospector locks, ObjectProvider<LeaderElection> elections) {
			return new LocksEndpoint(locks, elections.orderedStream().toList());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(LocksEndpoint.class)
		@ConditionalOnAvailableEndpoint(endpoint = LocksEndpoint.class, exposure = EndpointExposure.WEB)
		LocksEndpointWebExtension locksEndpointWebExtension(LockIntrospector locks) {
			return new LocksEndpointWebExtension(locks);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AbstractHealthIndicator.class)
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "distlockHealthIndicator")
		@ConditionalOnEnabledHealthIndicator("distlock")
		DistributedLockHealthIndicator distlockHealthIndicator(LockIntrospector locks) {
			return new DistributedLockHealthIndicator(locks);
		}

	}

}
