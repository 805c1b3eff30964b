package io.distlock.aop;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.annotation.DistributedLock;
import io.distlock.annotation.OnLockFailure;
import io.distlock.aop.LockTestContexts.Probe;
import io.distlock.aop.LockTestContexts.Witness;
import io.distlock.autoconfigure.metrics.DistributedLockMetricsAutoConfiguration;
import io.distlock.core.LockContext;
import io.distlock.core.LockHandle;
import io.distlock.core.LockNotAcquiredException;
import io.distlock.testsupport.RedisExtension;

import static io.distlock.aop.LockTestContexts.withLockHeldElsewhere;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DistributedLockAspect} on methods returning {@code CompletableFuture} or
 * {@code CompletionStage}, against a real redis-server: the lock is held until the returned
 * stage completes, however it completes.
 */
class CompletionStageLockIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = LockTestContexts.runner(redis.server())
		.withBean(Witness.class)
		.withBean(Stages.class);

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void holdsTheLockUntilTheStageCompletesNotUntilTheMethodReturns() {
		this.runner.run((context) -> {
			Probe probe = context.getBean(Probe.class);
			long start = System.nanoTime();
			CompletableFuture<Long> future = context.getBean(Stages.class).completesLater("a", 500);
			assertThat(future).isNotDone();
			assertThat(probe.exists("stage:a")).as("held after the method returned").isTrue();
			Thread.sleep(250);
			assertThat(probe.exists("stage:a")).as("held while the stage runs").isTrue();
			assertThat(future.get(10, TimeUnit.SECONDS)).isPositive();
			assertThat(probe.exists("stage:a")).as("released once the stage completed").isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void releasesWhenTheStageCompletesExceptionally() {
		this.runner.run((context) -> {
			CompletableFuture<Long> future = context.getBean(Stages.class).failsLater("b", 300);
			assertThat(context.getBean(Probe.class).exists("stage:b")).isTrue();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(IllegalStateException.class)
				.withMessage("boom");
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void releasesWhenTheCallerCancelsAndCancelsTheWork() {
		this.runner.run((context) -> {
			Stages stages = context.getBean(Stages.class);
			CompletableFuture<Long> future = stages.neverCompletes("c");
			assertThat(context.getBean(Probe.class).exists("stage:c")).isTrue();
			assertThat(future.cancel(true)).isTrue();
			assertThat(future).isCancelled();
			assertThat(stages.lastWork()).as("the method's own future").isCancelled();
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void secondCallerWaitsUntilTheFirstStageCompletes() {
		this.runner.run((context) -> {
			Stages stages = context.getBean(Stages.class);
			Witness witness = context.getBean(Witness.class);
			CompletableFuture<Long> first = stages.completesLater("d", 500);
			long firstReturned = System.nanoTime();
			CompletableFuture<Long> second = CompletableFuture
				.supplyAsync(() -> stages.completesLater("d", 10), Stages.threads)
				.thenCompose((stage) -> stage);
			assertThat(second.get(10, TimeUnit.SECONDS)).isGreaterThan(first.get(10, TimeUnit.SECONDS));
			assertThat(Duration.ofNanos(System.nanoTime() - firstReturned)).isGreaterThan(Duration.ofMillis(400));
			assertThat(witness.runs()).isEqualTo(2);
			assertThat(witness.overlaps()).isZero();
		});
	}

	@Test
	void throwsAtTheCallWhenTheLockIsNotAcquired() {
		this.runner.run((context) -> withLockHeldElsewhere(context, "stage:busy", () -> {
			Stages stages = context.getBean(Stages.class);
			assertThatExceptionOfType(LockNotAcquiredException.class)
				.isThrownBy(() -> stages.completesLater("busy", 10))
				.withMessageContaining("stage:busy");
			assertThat(context.getBean(Witness.class).runs()).isZero();
		}));
	}

	@Test
	void skipReturnsACompletedStage() {
		this.runner.run((context) -> withLockHeldElsewhere(context, "stage:busy", () -> {
			Stages stages = context.getBean(Stages.class);
			CompletableFuture<@Nullable String> skipped = stages.skipValue("busy");
			assertThat(skipped).isCompletedWithValue(null);
			assertThat(stages.skipOptional("busy").toCompletableFuture()).isCompletedWithValue(Optional.empty());
			assertThat(context.getBean(Witness.class).runs()).isZero();
		}));
	}

	@Test
	void releasesAtOnceWhenTheMethodThrowsOrReturnsNull() {
		this.runner.run((context) -> {
			Stages stages = context.getBean(Stages.class);
			assertThatIllegalStateException().isThrownBy(() -> stages.throwsAtOnce("e")).withMessage("sync boom");
			assertThat(redis.server().lockKeyCount()).isZero();
			assertThat(stages.returnsNull("e")).isNull();
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void lockContextIsCurrentInTheMethodBody() {
		this.runner.run((context) -> {
			String seen = context.getBean(Stages.class).seesItsLock("f").get(10, TimeUnit.SECONDS);
			assertThat(seen).isEqualTo("stage:f held=true");
			assertThat(LockContext.current()).isEmpty();
		});
	}

	@Test
	void releasesOnTheThreadThatCompletesTheStageEvenAVirtualOne() {
		this.runner.run((context) -> {
			ExecutorService completions = virtualThreadsWhereAvailable();
			try {
				CompletableFuture<Long> future = context.getBean(Stages.class).completesOn("g", completions);
				assertThat(future.get(10, TimeUnit.SECONDS)).isPositive();
				assertThat(redis.server().lockKeyCount()).isZero();
			}
			finally {
				completions.shutdownNow();
			}
		});
	}

	@Test
	void heldTimerMeasuresUntilTheStageCompletes() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		this.runner.withConfiguration(AutoConfigurations.of(DistributedLockMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, () -> registry)
			.run((context) -> {
				context.getBean(Stages.class).completesLater("h", 500).get(10, TimeUnit.SECONDS);
				assertThat(registry.get("distlock.held").tag("name", "stage").timer().totalTime(TimeUnit.MILLISECONDS))
					.isGreaterThanOrEqualTo(450);
			});
	}

	private static ExecutorService virtualThreadsWhereAvailable() throws Exception {
		try {
			return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
		}
		catch (NoSuchMethodException ex) {
			return Executors.newCachedThreadPool();
		}
	}

	static class Stages {

		/**
		 * Where the stages complete and the second caller of a test waits: threads of this class's
		 * own, not the common pool that every test of the JVM shares.
		 */
		static final Executor threads = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "stages");
			thread.setDaemon(true);
			return thread;
		});

		private final Witness witness;

		private volatile @Nullable CompletableFuture<Long> lastWork;

		Stages(Witness witness) {
			this.witness = witness;
		}

		public @Nullable CompletableFuture<Long> lastWork() {
			return this.lastWork;
		}

		/**
		 * Enters the witness now and completes after {@code millis}, leaving the witness then.
		 */
		@DistributedLock(name = "stage", key = "#id", waitTime = "10s")
		public CompletableFuture<Long> completesLater(String id, long millis) {
			this.witness.enter();
			long token = LockContext.current().orElseThrow().fencingToken();
			return CompletableFuture.supplyAsync(() -> {
				this.witness.exit();
				return token;
			}, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, threads));
		}

		@DistributedLock(name = "stage", key = "#id")
		public CompletableFuture<Long> failsLater(String id, long millis) {
			return CompletableFuture.supplyAsync(() -> {
				throw new IllegalStateException("boom");
			}, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, threads));
		}

		@DistributedLock(name = "stage", key = "#id")
		public CompletableFuture<Long> neverCompletes(String id) {
			CompletableFuture<Long> work = new CompletableFuture<>();
			this.lastWork = work;
			return work;
		}

		@DistributedLock(name = "stage", key = "#id", waitTime = "0", onFailure = OnLockFailure.SKIP)
		public CompletableFuture<@Nullable String> skipValue(String id) {
			this.witness.enter();
			this.witness.exit();
			return CompletableFuture.completedFuture("ran");
		}

		@DistributedLock(name = "stage", key = "#id", waitTime = "0", onFailure = OnLockFailure.SKIP)
		public CompletionStage<Optional<String>> skipOptional(String id) {
			this.witness.enter();
			this.witness.exit();
			return CompletableFuture.completedFuture(Optional.of("ran"));
		}

		@DistributedLock(name = "stage", key = "#id")
		public CompletableFuture<Long> throwsAtOnce(String id) {
			throw new IllegalStateException("sync boom");
		}

		@DistributedLock(name = "stage", key = "#id")
		public @Nullable CompletionStage<Long> returnsNull(String id) {
			return null;
		}

		@DistributedLock(name = "stage", key = "#id")
		public CompletableFuture<String> seesItsLock(String id) {
			LockHandle handle = LockContext.current().orElseThrow();
			return CompletableFuture.completedFuture(handle.key() + " held=" + handle.isHeld());
		}

		@DistributedLock(name = "stage", key = "#id")
		public CompletableFuture<Long> completesOn(String id, Executor executor) {
			return CompletableFuture.supplyAsync(() -> LockContext.current().isPresent() ? -1L : 1L, executor);
		}

	}

}
