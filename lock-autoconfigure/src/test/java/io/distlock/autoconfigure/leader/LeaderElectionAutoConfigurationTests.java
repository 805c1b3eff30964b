package io.distlock.autoconfigure.leader;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import io.distlock.actuate.LocksEndpoint;
import io.distlock.annotation.LeaderOnly;
import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.autoconfigure.actuate.DistributedLockActuatorAutoConfiguration;
import io.distlock.core.LockContext;
import io.distlock.leader.LeaderElection;
import io.distlock.leader.LeadershipGrantedEvent;
import io.distlock.leader.LeadershipRevokedEvent;
import io.distlock.leader.RevocationReason;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LeaderElectionAutoConfiguration} in application contexts on a real
 * redis-server.
 */
class LeaderElectionAutoConfigurationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				TaskSchedulingAutoConfiguration.class, EndpointAutoConfiguration.class,
				DistributedLockAutoConfiguration.class, LeaderElectionAutoConfiguration.class,
				DistributedLockActuatorAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port());

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void disabledByDefault() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LeaderElection.class));
	}

	@Test
	void leaderOnlyWithoutElectionFailsStartUpNamingTheProperty() {
		this.runner.withUserConfiguration(ScheduledJob.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("@LeaderOnly on '" + Job.class.getName() + ".run'")
				.hasMessageContaining("distlock.leader.enabled=true"));
	}

	@Test
	void leaderOnlyOnAPrimitiveFailsStartUp() {
		this.runner.withPropertyValues("distlock.leader.enabled=true")
			.withUserConfiguration(PrimitiveJob.class)
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("returns int"));
	}

	@Test
	void electsThisNodePublishesEventsAndShowsItsRole() {
		this.runner
			.withPropertyValues("distlock.leader.enabled=true", "spring.application.name=billing",
					"management.endpoints.web.exposure.include=locks")
			.withUserConfiguration(Events.class)
			.run((context) -> {
				LeaderElection election = context.getBean(LeaderElection.class);
				assertThat(election.name()).isEqualTo("billing");
				awaitLeader(election);
				Events events = context.getBean(Events.class);
				assertThat(events.received).singleElement()
					.isEqualTo(new LeadershipGrantedEvent("billing", election.fencingToken()));
				assertThat(context.getBean(MeterRegistry.class).get("distlock.leader").tag("name", "billing").gauge().value())
					.isEqualTo(1);
				assertThat(context.getBean(LocksEndpoint.class).locks().elections()).singleElement()
					.satisfies((view) -> {
						assertThat(view.role()).isEqualTo("leader");
						assertThat(view.fencingToken()).isEqualTo(election.fencingToken());
					});
				long token = election.fencingToken();
				context.close();
				assertThat(events.received).last()
					.isEqualTo(new LeadershipRevokedEvent("billing", token, RevocationReason.YIELDED));
			});
		assertThat(redis.server().lockKeyCount()).isZero();
	}

	@Test
	void scheduledLeaderOnlyJobRunsOnTheLeaderAndMovesWithLeadership() {
		ApplicationContextRunner nodes = this.runner.withPropertyValues("distlock.leader.enabled=true",
				"distlock.leader.name=jobs", "distlock.leader.ttl=10s")
			.withUserConfiguration(ScheduledJob.class);
		nodes.run((first) -> {
			awaitLeader(first.getBean(LeaderElection.class));
			nodes.run((second) -> {
				Job firstJob = first.getBean(Job.class);
				Job secondJob = second.getBean(Job.class);
				Thread.sleep(600);
				assertThat(firstJob.runs()).isPositive();
				assertThat(secondJob.runs()).isZero();
				assertThat(firstJob.tokens()).containsOnly(first.getBean(LeaderElection.class).fencingToken());
				long closedAt = System.nanoTime();
				first.close();
				awaitLeader(second.getBean(LeaderElection.class));
				assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(1));
				Thread.sleep(300);
				assertThat(secondJob.runs()).isPositive();
			});
		});
	}

	private static void awaitLeader(LeaderElection election) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!election.isLeader()) {
			assertThat(System.nanoTime() - deadline).as("waiting for leadership").isNegative();
			Thread.sleep(10);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class ScheduledJob {

		@Bean
		Job job() {
			return new Job();
		}

	}

	static class Job {

		private final AtomicInteger runs = new AtomicInteger();

		private final List<Long> tokens = new CopyOnWriteArrayList<>();

		// Read through methods: the bean is a class proxy whose own fields stay empty.
		public int runs() {
			return this.runs.get();
		}

		public List<Long> tokens() {
			return this.tokens;
		}

		@Scheduled(fixedRate = 50)
		@LeaderOnly
		public void run() {
			this.tokens.add(LockContext.current().orElseThrow().fencingToken());
			this.runs.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimitiveJob {

		@Bean
		Counter counter() {
			return new Counter();
		}

	}

	static class Counter {

		@LeaderOnly
		public int count() {
			return 1;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Events {

		final List<Object> received = new CopyOnWriteArrayList<>();

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@EventListener
		void granted(LeadershipGrantedEvent event) {
			this.received.add(event);
		}

		@EventListener
		void revoked(LeadershipRevokedEvent event) {
			this.received.add(event);
		}

	}

}
