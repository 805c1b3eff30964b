package io.distlock.aop;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import reactor.core.publisher.Mono;

import io.distlock.annotation.DistributedLock;
import io.distlock.annotation.OnLockFailure;
import io.distlock.aop.LockTestContexts.Witness;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests a reactive {@code @Scheduled} job, which Spring invokes once and re-subscribes on every
 * tick, guarded by {@code @DistributedLock(waitTime = "0", lockAtLeastFor, onFailure = SKIP)} in
 * two application contexts (nodes) against one redis-server: the lock is taken on every tick, so
 * every tick runs the job exactly once across both nodes.
 */
class ReactiveScheduledIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final Witness witness = new Witness();

	private final Map<Long, Integer> runsPerTick = new ConcurrentHashMap<>();

	private final ApplicationContextRunner node = LockTestContexts.runner(redis.server())
		.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
		.withUserConfiguration(SchedulingConfiguration.class)
		.withBean(Witness.class, () -> this.witness)
		.withBean(ReactiveReportJob.class, () -> new ReactiveReportJob(this.witness, this.runsPerTick));

	@BeforeAll
	static void watchForBlockingCalls() {
		BlockingCalls.watch();
	}

	@Test
	void runsExactlyOncePerTickAcrossTwoNodesOnEveryTick() {
		long[] ticks = new long[2];
		this.node.run((first) -> this.node.run((second) -> {
			// Counted from the third tick after both nodes are up: a node's first run, cold, may
			// take long enough to hold the lock (lockAtLeastFor counts from acquisition) into
			// the next tick.
			ticks[0] = System.currentTimeMillis() / 1000 + 3;
			Thread.sleep(7500);
			ticks[1] = System.currentTimeMillis() / 1000;
		}));
		assertThat(ticks[1] - ticks[0]).as("ticks watched").isGreaterThanOrEqualTo(4);
		for (long tick = ticks[0]; tick < ticks[1]; tick++) {
			assertThat(this.runsPerTick.get(tick)).as("runs in tick %d of %s", tick, this.runsPerTick).isEqualTo(1);
		}
		assertThat(this.witness.overlaps()).isZero();
		assertThat(BlockingCalls.reported()).isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

	}

	static class ReactiveReportJob {

		private final Witness witness;

		private final Map<Long, Integer> runsPerTick;

		ReactiveReportJob(Witness witness, Map<Long, Integer> runsPerTick) {
			this.witness = witness;
			this.runsPerTick = runsPerTick;
		}

		/**
		 * Fires at the start of every second on both nodes; the lock is kept for half a second so
		 * that a node firing a little later still skips.
		 */
		@Scheduled(cron = "* * * * * *")
		@DistributedLock(name = "reactive-report", waitTime = "0", lockAtLeastFor = "500ms",
				onFailure = OnLockFailure.SKIP)
		public Mono<Void> run() {
			return Mono.fromRunnable(() -> {
				this.runsPerTick.merge(System.currentTimeMillis() / 1000, 1, Integer::sum);
				this.witness.enter();
			}).then(Mono.delay(Duration.ofMillis(100))).doOnTerminate(this.witness::exit).then();
		}

	}

}
