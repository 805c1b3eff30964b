package io.distlock.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;
import org.springframework.scheduling.annotation.AsyncAnnotationBeanPostProcessor;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.config.TaskManagementConfigUtils;

import io.distlock.annotation.DistributedLock;
import io.distlock.aop.LockTestContexts.Probe;
import io.distlock.aop.LockTestContexts.Witness;
import io.distlock.core.LockContext;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests {@code @Async} together with {@code @DistributedLock} in both orders of their advice:
 * the lock guards the work, not the hand-off to the executor.
 */
class AsyncAnnotationLockIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = LockTestContexts.runner(redis.server())
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
		.withBean(Witness.class)
		.withBean(AsyncJobs.class);

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void byDefaultAsyncRunsFirstAndTheLockIsTakenOnTheExecutorThread() {
		this.runner.withUserConfiguration(DefaultAsyncConfiguration.class).run((context) -> {
			assertThat(adviceOrder(context)).containsExactly("async", "lock");
			AsyncJobs jobs = context.getBean(AsyncJobs.class);
			long start = System.nanoTime();
			List<CompletableFuture<String>> runs = callThrice(jobs);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("calls hand off at once")
				.isLessThan(Duration.ofMillis(300));
			// The executor thread takes the lock after the call returned.
			await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(Probe.class).exists("async:a"));
			for (CompletableFuture<String> run : runs) {
				assertThat(run.get(10, TimeUnit.SECONDS)).as("lock context on the executor thread")
					.isEqualTo("held=true");
			}
			assertGuardedWork(context, 3);
		});
	}

	@Test
	void byDefaultAVoidAsyncMethodIsGuardedToo() {
		this.runner.withUserConfiguration(DefaultAsyncConfiguration.class)
			.withBean(FireAndForgetJobs.class)
			.run((context) -> {
				FireAndForgetJobs jobs = context.getBean(FireAndForgetJobs.class);
				for (int i = 0; i < 3; i++) {
					jobs.fireAndForget("a");
				}
				Witness witness = context.getBean(Witness.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> witness.runs() == 3);
				await().atMost(Duration.ofSeconds(10)).until(() -> redis.server().lockKeyCount() == 0);
				assertThat(witness.overlaps()).isZero();
			});
	}

	@Test
	void whenTheLockRunsFirstItIsHeldUntilTheAsyncResultCompletes() {
		this.runner.withUserConfiguration(LockBeforeAsyncConfiguration.class).run((context) -> {
			assertThat(adviceOrder(context)).containsExactly("lock", "async");
			AsyncJobs jobs = context.getBean(AsyncJobs.class);
			long start = System.nanoTime();
			List<CompletableFuture<String>> runs = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				runs.add(CompletableFuture.supplyAsync(() -> jobs.work("a")).thenCompose((run) -> run));
			}
			for (CompletableFuture<String> run : runs) {
				assertThat(run.get(10, TimeUnit.SECONDS)).as("no lock context on the executor thread")
					.isEqualTo("held=false");
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("one after the other")
				.isGreaterThanOrEqualTo(Duration.ofMillis(900));
			assertGuardedWork(context, 3);
		});
	}

	@Test
	void whenTheLockRunsFirstAVoidAsyncMethodFailsStartUp() {
		this.runner.withUserConfiguration(LockBeforeAsyncConfiguration.class)
			.withBean(FireAndForgetJobs.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining(FireAndForgetJobs.class.getName() + ".fireAndForget")
					.hasMessageContaining("runs @Async inside the lock")
					.hasMessageContaining("return CompletableFuture");
			});
	}

	private static List<CompletableFuture<String>> callThrice(AsyncJobs jobs) {
		List<CompletableFuture<String>> runs = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			runs.add(jobs.work("a"));
		}
		return runs;
	}

	private static void assertGuardedWork(AssertableApplicationContext context, int runs) {
		Witness witness = context.getBean(Witness.class);
		assertThat(witness.runs()).isEqualTo(runs);
		assertThat(witness.overlaps()).isZero();
		assertThat(redis.server().lockKeyCount()).isZero();
	}

	private static void pause() {
		try {
			Thread.sleep(300);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The advice on {@link AsyncJobs}, outermost first.
	 */
	private static List<String> adviceOrder(AssertableApplicationContext context) {
		List<String> order = new ArrayList<>();
		for (Advisor advisor : ((Advised) context.getBean(AsyncJobs.class)).getAdvisors()) {
			if (advisor instanceof AsyncAnnotationAdvisor) {
				order.add("async");
			}
			else if (advisor.getAdvice().toString().contains(DistributedLockAspect.class.getName())) {
				order.add("lock");
			}
		}
		return order;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class DefaultAsyncConfiguration {

	}

	/**
	 * {@code @Async} advice added behind existing advice instead of in front of it, so the lock
	 * runs first.
	 */
	@Configuration(proxyBeanMethods = false)
	static class LockBeforeAsyncConfiguration {

		@Bean(TaskManagementConfigUtils.ASYNC_ANNOTATION_PROCESSOR_BEAN_NAME)
		static AsyncAnnotationBeanPostProcessor asyncAnnotationProcessor() {
			AsyncAnnotationBeanPostProcessor processor = new AsyncAnnotationBeanPostProcessor();
			processor.setBeforeExistingAdvisors(false);
			return processor;
		}

	}

	static class AsyncJobs {

		private final Witness witness;

		AsyncJobs(Witness witness) {
			this.witness = witness;
		}

		@Async
		@DistributedLock(name = "async", key = "#id", waitTime = "10s")
		public CompletableFuture<String> work(String id) {
			this.witness.enter();
			String held = "held=" + LockContext.current().isPresent();
			pause();
			this.witness.exit();
			return CompletableFuture.completedFuture(held);
		}

	}

	static class FireAndForgetJobs {

		private final Witness witness;

		FireAndForgetJobs(Witness witness) {
			this.witness = witness;
		}

		@Async
		@DistributedLock(name = "async", key = "#id", waitTime = "10s")
		public void fireAndForget(String id) {
			this.witness.enter();
			pause();
			this.witness.exit();
		}

	}

}
