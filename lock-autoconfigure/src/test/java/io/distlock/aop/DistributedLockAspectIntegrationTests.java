package io.distlock.aop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.AliasFor;

import io.distlock.annotation.DistributedLock;
import io.distlock.annotation.OnLockFailure;
import io.distlock.aop.LockTestContexts.Probe;
import io.distlock.aop.LockTestContexts.Seen;
import io.distlock.core.LockContext;
import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockNotAcquiredException;
import io.distlock.core.LockRequest;
import io.distlock.core.LockStatus;
import io.distlock.crossprocess.Backend;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;
import io.distlock.zookeeper.ZooKeeperServerExtension;

import static io.distlock.aop.LockTestContexts.withLockHeldElsewhere;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DistributedLockAspect} against a real redis-server and, where the behaviour
 * is backend-neutral, an in-process ZooKeeper too: waiting, failure modes,
 * minimum hold, lock context, nesting, re-entry, exceptions, proxies, composed annotations and
 * concurrency.
 */
class DistributedLockAspectIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	private ApplicationContextRunner runner(Backend backend) {
		return LockTestContexts.runner(backend, redis.server(), zookeeper).withBean(Jobs.class).withBean(Inner.class);
	}

	private static long locksLeft(Backend backend) throws Exception {
		return LockTestContexts.locksLeft(backend, redis.server(), zookeeper);
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@ParameterizedTest
	@EnumSource
	void releasesAfterReturnLeavingNothingBehind(Backend backend) {
		runner(backend).run((context) -> {
			Seen seen = context.getBean(Jobs.class).plain("a");
			assertThat(seen.key()).isEqualTo("plain:a");
			assertThat(seen.held()).isTrue();
			assertThat(LockContext.current()).isEmpty();
			assertThat(locksLeft(backend)).isZero();
		});
	}

	@ParameterizedTest
	@EnumSource
	void fencingTokenIsVisibleInsideAndGrowsWithEachAcquisition(Backend backend) {
		runner(backend).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			long first = jobs.plain("t").fencingToken();
			long second = jobs.plain("t").fencingToken();
			assertThat(first).isPositive();
			assertThat(second).isGreaterThan(first);
		});
	}

	@ParameterizedTest
	@EnumSource
	void throwsWhenLockIsNotAcquiredWithinWaitTime(Backend backend) {
		runner(backend).run((context) -> withLockHeldElsewhere(context, "hold:busy", () -> {
			Jobs jobs = context.getBean(Jobs.class);
			long start = System.nanoTime();
			assertThatExceptionOfType(LockNotAcquiredException.class).isThrownBy(() -> jobs.impatient("busy"))
				.withMessageContaining("hold:busy")
				.withMessageContaining("PT0.2S")
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(LockStatus.TIMED_OUT));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150),
					Duration.ofSeconds(3));
			assertThat(jobs.runs()).isZero();
		}));
	}

	@ParameterizedTest
	@EnumSource
	void skipsWhenLockIsNotAcquiredReturningNothing(Backend backend) {
		runner(backend).run((context) -> withLockHeldElsewhere(context, "hold:busy", () -> {
			Jobs jobs = context.getBean(Jobs.class);
			assertThat(jobs.skipValue("busy")).isNull();
			assertThat(jobs.skipOptional("busy")).isEmpty();
			jobs.skipVoid("busy");
			assertThat(jobs.runs()).isZero();
		}));
	}

	@ParameterizedTest
	@EnumSource
	void skipRunsTheMethodWhenTheLockIsFree(Backend backend) {
		runner(backend).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			assertThat(jobs.skipValue("free")).isEqualTo("ran");
			assertThat(jobs.skipOptional("free")).contains("ran");
			jobs.skipVoid("free");
			assertThat(jobs.runs()).isEqualTo(3);
		});
	}

	@ParameterizedTest
	@EnumSource
	void waitsForTheHolderToRelease(Backend backend) {
		runner(backend).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			LockManager locks = context.getBean(LockManager.class);
			LockHandle holder = locks.acquire(LockRequest.of("hold:w", Duration.ofSeconds(30)));
			CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(holder::unlock);
			long start = System.nanoTime();
			assertThat(jobs.patient("w")).isEqualTo("ran");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(200));
		});
	}

	@Test
	void backendFailureIsThrownEvenWithSkip() {
		RedisServer down = redis.startAnother();
		down.kill();
		LockTestContexts.runner(down).withBean(Jobs.class).withBean(Inner.class).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			assertThatExceptionOfType(LockException.class).isThrownBy(() -> jobs.skipValue("down"))
				.isNotInstanceOf(LockNotAcquiredException.class);
			assertThat(jobs.runs()).isZero();
		});
	}

	@Test
	void keepsTheLockForLockAtLeastForAfterAnEarlyReturn() {
		runner(Backend.REDIS).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			long start = System.nanoTime();
			jobs.keptAtLeast();
			long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			long pttl = context.getBean(Probe.class).pttl("kept");
			assertThat(pttl).isPositive().isLessThanOrEqualTo(2000 - elapsedMillis + 50).isGreaterThan(1000);
			assertThat(LockContext.current()).isEmpty();
			assertThatExceptionOfType(LockNotAcquiredException.class).isThrownBy(jobs::keptAtLeastImpatient);
		});
	}

	@Test
	void releasesAtOnceWhenTheMethodOutlastsLockAtLeastFor() {
		runner(Backend.REDIS).run((context) -> {
			context.getBean(Jobs.class).outlastsMinimum();
			assertThat(context.getBean(Probe.class).exists("outlasts")).isFalse();
		});
	}

	@ParameterizedTest
	@EnumSource
	void exceptionFromTheMethodPropagatesAndReleases(Backend backend) {
		runner(backend).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			assertThatIllegalStateException().isThrownBy(jobs::fails).withMessage("boom");
			assertThat(locksLeft(backend)).isZero();
			assertThat(LockContext.current()).isEmpty();
			assertThatIllegalStateException().isThrownBy(jobs::fails).withMessage("boom");
		});
	}

	@Test
	void nestedLocksMakeTheInnermostCurrent() {
		runner(Backend.REDIS).run((context) -> {
			List<String> trace = context.getBean(Jobs.class).outer();
			assertThat(trace).containsExactly("outer", "inner", "outer-held=true", "inner-held=true", "outer");
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void reentryOnTheSameKeyRunsWithoutReacquiring() {
		runner(Backend.REDIS).run((context) -> {
			List<String> trace = context.getBean(Jobs.class).ledger("42");
			assertThat(trace).hasSize(3);
			assertThat(trace.get(1)).as("inner call sees the outer handle").isEqualTo(trace.get(0));
			assertThat(trace.get(2)).as("lock still held after the inner call").isEqualTo("held=true");
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@ParameterizedTest
	@EnumSource
	void worksThroughInterfaceProxies(Backend backend) {
		runner(backend).withPropertyValues("spring.aop.proxy-target-class=false")
			.withBean(Greeter.class, GreeterImpl::new)
			.run((context) -> {
				Greeter greeter = context.getBean(Greeter.class);
				assertThat(AopUtils.isJdkDynamicProxy(greeter)).isTrue();
				assertThat(greeter.greet("ann")).isEqualTo("greet:ann");
			});
	}

	@ParameterizedTest
	@EnumSource
	void worksThroughClassProxies(Backend backend) {
		runner(backend).run((context) -> {
			assertThat(AopUtils.isCglibProxy(context.getBean(Jobs.class))).isTrue();
			assertThat(context.getBean(Jobs.class).plain("c").key()).isEqualTo("plain:c");
		});
	}

	@ParameterizedTest
	@EnumSource
	void composedAnnotationsLock(Backend backend) {
		runner(backend).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			assertThat(jobs.composed().key()).isEqualTo("composed");
			assertThat(jobs.deeplyComposed().key()).isEqualTo("deep");
		});
	}

	@ParameterizedTest
	@EnumSource
	void composedAnnotationKeepsItsFailureMode(Backend backend) {
		runner(backend).run((context) -> withLockHeldElsewhere(context, "composed",
				() -> assertThat(context.getBean(Jobs.class).composed()).isNull()));
	}

	@ParameterizedTest
	@EnumSource
	void excludesConcurrentCallersOnPlatformThreads(Backend backend) {
		runner(backend).run((context) -> assertMutualExclusion(backend, context, Executors.newFixedThreadPool(8)));
	}

	@ParameterizedTest
	@EnumSource
	@EnabledForJreRange(min = JRE.JAVA_21)
	void excludesConcurrentCallersOnVirtualThreads(Backend backend) {
		runner(backend).run((context) -> assertMutualExclusion(backend, context,
				(ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null)));
	}

	private static void assertMutualExclusion(Backend backend, AssertableApplicationContext context,
			ExecutorService executor) throws Exception {
		Jobs jobs = context.getBean(Jobs.class);
		int calls = 40;
		List<Future<Long>> tokens = new ArrayList<>();
		try {
			for (int i = 0; i < calls; i++) {
				tokens.add(executor.submit(jobs::exclusive));
			}
			List<Long> seen = new ArrayList<>();
			for (Future<Long> token : tokens) {
				seen.add(token.get(60, TimeUnit.SECONDS));
			}
			assertThat(seen).doesNotHaveDuplicates().allSatisfy((token) -> assertThat(token).isPositive());
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(jobs.overlaps()).isZero();
		assertThat(jobs.counter()).isEqualTo(calls);
		assertThat(locksLeft(backend)).isZero();
	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
	@DistributedLock(waitTime = "0", onFailure = OnLockFailure.SKIP)
	@interface ClusterSingleton {

		@AliasFor(annotation = DistributedLock.class, attribute = "name")
		String value();

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@ClusterSingleton("deep")
	@interface DeepSingleton {

	}

	interface Greeter {

		String greet(String who);

	}

	static class GreeterImpl implements Greeter {

		@Override
		@DistributedLock(name = "greet", key = "#who")
		public String greet(String who) {
			return LockContext.current().orElseThrow().key();
		}

	}

	static class Inner {

		private final Probe probe;

		Inner(Probe probe) {
			this.probe = probe;
		}

		@DistributedLock(name = "inner")
		public List<String> inner(List<String> trace) {
			trace.add(LockContext.current().orElseThrow().key());
			trace.add("outer-held=" + LockContext.find("outer").orElseThrow().isHeld());
			trace.add("inner-held=" + this.probe.exists("inner"));
			return trace;
		}

		@DistributedLock(name = "ledger", key = "#id", waitTime = "1s")
		public String ledger(String id) {
			return LockContext.current().orElseThrow().toString();
		}

	}

	static class Jobs {

		private final AtomicInteger runs = new AtomicInteger();

		private final AtomicInteger occupancy = new AtomicInteger();

		private final AtomicInteger overlaps = new AtomicInteger();

		private volatile int counter;

		private final Probe probe;

		private final Inner inner;

		Jobs(Probe probe, Inner inner) {
			this.probe = probe;
			this.inner = inner;
		}

		public int runs() {
			return this.runs.get();
		}

		public int overlaps() {
			return this.overlaps.get();
		}

		public int counter() {
			return this.counter;
		}

		private String ran() {
			this.runs.incrementAndGet();
			return "ran";
		}

		@DistributedLock(name = "plain", key = "#id")
		public Seen plain(String id) {
			return this.probe.look();
		}

		@DistributedLock(name = "hold", key = "#id", waitTime = "200ms")
		public String impatient(String id) {
			return ran();
		}

		@DistributedLock(name = "hold", key = "#id", waitTime = "5s")
		public String patient(String id) {
			return ran();
		}

		@DistributedLock(name = "hold", key = "#id", waitTime = "200ms", onFailure = OnLockFailure.SKIP)
		public @Nullable String skipValue(String id) {
			return ran();
		}

		@DistributedLock(name = "hold", key = "#id", waitTime = "0", onFailure = OnLockFailure.SKIP)
		public Optional<String> skipOptional(String id) {
			return Optional.of(ran());
		}

		@DistributedLock(name = "hold", key = "#id", waitTime = "0", onFailure = OnLockFailure.SKIP)
		public void skipVoid(String id) {
			ran();
		}

		@DistributedLock(name = "kept", lockAtLeastFor = "2s")
		public void keptAtLeast() {
		}

		@DistributedLock(name = "kept", waitTime = "0")
		public void keptAtLeastImpatient() {
		}

		@DistributedLock(name = "outlasts", lockAtLeastFor = "100ms")
		public void outlastsMinimum() throws InterruptedException {
			Thread.sleep(300);
		}

		@DistributedLock(name = "fails")
		public void fails() {
			throw new IllegalStateException("boom");
		}

		@DistributedLock(name = "outer")
		public List<String> outer() {
			List<String> trace = new ArrayList<>();
			trace.add(LockContext.current().orElseThrow().key());
			this.inner.inner(trace);
			trace.add(LockContext.current().orElseThrow().key());
			return trace;
		}

		@DistributedLock(name = "ledger", key = "#id")
		public List<String> ledger(String id) {
			List<String> trace = new ArrayList<>();
			trace.add(LockContext.current().orElseThrow().toString());
			trace.add(this.inner.ledger(id));
			trace.add("held=" + this.probe.exists("ledger:" + id));
			return trace;
		}

		@ClusterSingleton("composed")
		public @Nullable Seen composed() {
			return this.probe.look();
		}

		@DeepSingleton
		public Seen deeplyComposed() {
			return this.probe.look();
		}

		@DistributedLock(name = "exclusive", waitTime = "30s")
		public long exclusive() throws InterruptedException {
			if (this.occupancy.incrementAndGet() > 1) {
				this.overlaps.incrementAndGet();
			}
			int read = this.counter;
			Thread.sleep(2);
			this.counter = read + 1;
			this.occupancy.decrementAndGet();
			return LockContext.current().orElseThrow().fencingToken();
		}

	}

}
