package io.distlock.autoconfigure.leader;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

import io.distlock.aop.LeaderOnlyAspect;
import io.distlock.aop.LeaderOnlyValidator;
import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.core.LockManager;
import io.distlock.leader.LeaderElection;
import io.distlock.leader.LeadershipGrantedEvent;
import io.distlock.leader.LeadershipListener;
import io.distlock.leader.LeadershipRevokedEvent;

/**
 * Auto-configures the application's {@link LeaderElection} when
 * {@code distlock.leader.enabled=true}: it starts and stops with the context, publishes
 * {@link LeadershipGrantedEvent} and {@link LeadershipRevokedEvent}, and backs
 * {@code @LeaderOnly} methods and the {@code distlock.leader} gauge.
 *
 * @since 1.0.0
 */
@AutoConfiguration(after = DistributedLockAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnBooleanProperty(name = "distlock.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeaderElectionProperties.class)
public final class LeaderElectionAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnClass(name = "org.aspectj.weaver.Advice")
	static LeaderOnlyValidator leaderOnlyValidator(ObjectProvider<LeaderElection> election) {
		return new LeaderOnlyValidator(election);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("distlock.leader.enabled")
	@ConditionalOnBean(LockManager.class)
	static class ElectionConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LeaderElection leaderElection(LockManager lockManager, LeaderElectionProperties properties,
				Environment environment, ApplicationEventPublisher events) {
			String name = (properties.getName() != null) ? properties.getName()
					: environment.getProperty("spring.application.name", "application");
			return new LeaderElection(lockManager, name, properties.getTtl(), new LeadershipListener() {

				@Override
				public void granted(LeadershipGrantedEvent event) {
					events.publishEvent(event);
				}

				@Override
				public void revoked(LeadershipRevokedEvent event) {
					events.publishEvent(event);
				}

			});
		}

		@Bean
		LeaderElectionLifecycle leaderElectionLifecycle(LeaderElection leaderElection) {
			return new LeaderElectionLifecycle(leaderElection);
		}

		@Bean
		@ConditionalOnClass(name = "org.aspectj.weaver.Advice")
		@ConditionalOnMissingBean
		LeaderOnlyAspect leaderOnlyAspect(LeaderElection leaderElection) {
			return new LeaderOnlyAspect(leaderElection);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("distlock.leader.enabled")
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean({ MeterRegistry.class, LockManager.class })
	static class GaugeConfiguration {

		@Bean
		Gauge distlockLeaderGauge(MeterRegistry registry, LeaderElection leaderElection) {
			return Gauge.builder("distlock.leader", leaderElection, (election) -> election.isLeader() ? 1 : 0)
				.description("1 while this node leads the election, else 0")
				.tag("name", leaderElection.name())
				.register(registry);
		}

	}

}
