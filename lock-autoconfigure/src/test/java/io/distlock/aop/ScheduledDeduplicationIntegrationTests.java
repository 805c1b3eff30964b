package io.distlock.aop;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import io.distlock.annotation.DistributedLock;
import io.distlock.annotation.OnLockFailure;
import io.distlock.aop.LockTestContexts.Witness;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the scheduled-job recipe: two application contexts (nodes) against one redis-server run a
 * fast {@code @Scheduled} job guarded by {@code @DistributedLock(waitTime = "0", lockAtLeastFor,
 * onFailure = SKIP)}; the job runs once per period across both, never concurrently, and skipped
 * runs log no error.
 */
@ExtendWith(OutputCaptureExtension.class)
class ScheduledDeduplicationIntegrationTests {

	private static final long PERIOD_MILLIS = 200;

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final Witness witness = new Witness();

	private final ApplicationContextRunner node = LockTestContexts.runner(redis.server())
		.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
		.withUserConfiguration(SchedulingConfiguration.class)
		.withBean(Witness.class, () -> this.witness)
		.withBean(ReportJob.class);

	@Test
	void runsOncePerPeriodAcrossTwoNodes(CapturedOutput output) {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(LockDefinition.class.getName(), LogLevel.DEBUG);
		long start = System.nanoTime();
		try {
			this.node.run((first) -> this.node.run((second) -> Thread.sleep(2000)));
		}
		finally {
			logging.setLogLevel(LockDefinition.class.getName(), null);
		}
		long periods = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) / PERIOD_MILLIS + 1;
		assertThat(this.witness.overlaps()).isZero();
		assertThat(this.witness.runs()).as("runs in %d periods", periods)
			.isLessThanOrEqualTo((int) periods + 1)
			.isGreaterThanOrEqualTo((int) periods / 2);
		assertThat(output).contains("Skipped @DistributedLock on '" + ReportJob.class.getName() + ".run'");
		assertThat(output).doesNotContain(" ERROR ");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

	}

	static class ReportJob {

		private final Witness witness;

		ReportJob(Witness witness) {
			this.witness = witness;
		}

		@Scheduled(fixedRate = PERIOD_MILLIS)
		@DistributedLock(name = "report", waitTime = "0", lockAtLeastFor = "190ms", onFailure = OnLockFailure.SKIP)
		public void run() {
			this.witness.enter();
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				// Interrupted by the scheduler shutting down; not what this test looks at.
				Thread.currentThread().interrupt();
			}
			finally {
				this.witness.exit();
			}
		}

	}

}
