package io.distlock.aop;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.annotation.DistributedLock;
import io.distlock.annotation.OnLockFailure;
import io.distlock.autoconfigure.DistributedLockAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LockDefinitionValidator}: a malformed {@link DistributedLock} fails start-up
 * with a message naming class, method, attribute and text.
 */
class LockDefinitionValidatorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DistributedLockAutoConfiguration.class))
		.withPropertyValues("lock.blank= ");

	@Test
	void startsWithWellFormedAnnotations() {
		this.runner.withBean(WellFormed.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void failsOnMalformedKeyExpression() {
		this.runner.withBean(MalformedKey.class)
			.run((context) -> assertThat(failure(context)).contains(MalformedKey.class.getName() + ".process")
				.contains("attribute 'key' = \"#id +\"")
				.contains("not a valid SpEL expression"));
	}

	@Test
	void failsOnMalformedDurationLiteral() {
		this.runner.withBean(MalformedDuration.class)
			.run((context) -> assertThat(failure(context)).contains(MalformedDuration.class.getName() + ".process")
				.contains("attribute 'ttl' = \"30 parsecs\"")
				.contains("neither a duration literal"));
	}

	@Test
	void failsOnMalformedDurationExpression() {
		this.runner.withBean(MalformedDurationExpression.class)
			.run((context) -> assertThat(failure(context))
				.contains(MalformedDurationExpression.class.getName() + ".process")
				.contains("attribute 'waitTime' = \"#seconds * (\"")
				.contains("not a valid SpEL expression"));
	}

	@Test
	void failsOnNegativeDuration() {
		this.runner.withBean(NegativeDuration.class)
			.run((context) -> assertThat(failure(context)).contains(NegativeDuration.class.getName() + ".process")
				.contains("attribute 'lockAtLeastFor' = \"-1s\"")
				.contains("must be zero or more"));
	}

	@Test
	void failsOnZeroTtl() {
		this.runner.withBean(ZeroTtl.class)
			.run((context) -> assertThat(failure(context)).contains(ZeroTtl.class.getName() + ".process")
				.contains("attribute 'ttl' = \"0\"")
				.contains("at least 1ms"));
	}

	@Test
	void failsOnSkipForPrimitiveReturnType() {
		this.runner.withBean(SkipReturningPrimitive.class)
			.run((context) -> assertThat(failure(context)).contains(SkipReturningPrimitive.class.getName() + ".count")
				.contains("attribute 'onFailure' is SKIP")
				.contains("primitive 'int'"));
	}

	@Test
	void failsOnAsynchronousReturnType() {
		this.runner.withBean(ReturnsFuture.class)
			.run((context) -> assertThat(failure(context)).contains(ReturnsFuture.class.getName() + ".process")
				.contains("returns java.util.concurrent.CompletableFuture")
				.contains("asynchronous lock support")
				.contains("not available yet"));
	}

	@Test
	void failsOnUnresolvablePlaceholder() {
		this.runner.withBean(UnresolvablePlaceholder.class)
			.run((context) -> assertThat(failure(context))
				.contains(UnresolvablePlaceholder.class.getName() + ".process")
				.contains("attribute 'name' = \"${missing.lock.name}\"")
				.contains("cannot be resolved"));
	}

	@Test
	void failsOnNameResolvingToBlank() {
		this.runner.withBean(BlankName.class)
			.run((context) -> assertThat(failure(context)).contains(BlankName.class.getName() + ".process")
				.contains("attribute 'name' = \"${lock.blank}\"")
				.contains("blank name"));
	}

	@Test
	void failsOnMalformedComposedAnnotation() {
		this.runner.withBean(MalformedComposed.class)
			.run((context) -> assertThat(failure(context)).contains(MalformedComposed.class.getName() + ".process")
				.contains("attribute 'ttl' = \"soon\""));
	}

	@Test
	void failsOnAnnotationOnlyOnAnInterface() {
		this.runner.withBean(Greeter.class, GreeterImpl::new)
			.run((context) -> assertThat(failure(context)).contains(GreeterImpl.class.getName() + ".greet")
				.contains("not visible to the aspect")
				.contains("interfaces or overridden methods"));
	}

	@Test
	void failsOnAnnotationOnlyOnAnOverriddenMethod() {
		this.runner.withBean(Overriding.class)
			.run((context) -> assertThat(failure(context)).contains(Overriding.class.getName() + ".process")
				.contains("not visible to the aspect"));
	}

	@Test
	void acceptsAnnotationOnAnInheritedMethod() {
		this.runner.withBean(Inheriting.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void failsOnPrivateMethod() {
		this.runner.withBean(PrivateMethod.class)
			.run((context) -> assertThat(failure(context)).contains(PrivateMethod.class.getName() + ".process")
				.contains("private or static method"));
	}

	@Test
	void failsOnCompositionDeeperThanTheAspectSees() {
		this.runner.withBean(TooDeep.class)
			.run((context) -> assertThat(failure(context)).contains(TooDeep.class.getName() + ".process")
				.contains("at most two levels deep"));
	}

	private static String failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (failure != null && !(failure instanceof IllegalStateException)) {
			failure = failure.getCause();
		}
		assertThat(failure).as("IllegalStateException in " + context.getStartupFailure()).isNotNull();
		return failure.getMessage();
	}

	static class WellFormed {

		@DistributedLock(name = "ok", key = "#id", ttl = "#ttl", waitTime = "0", lockAtLeastFor = "PT1S",
				onFailure = OnLockFailure.SKIP)
		public Integer process(String id, long ttl) {
			return 1;
		}

		@DistributedLock(onFailure = OnLockFailure.SKIP)
		public void process() {
		}

	}

	static class MalformedKey {

		@DistributedLock(key = "#id +")
		public void process(String id) {
		}

	}

	static class MalformedDuration {

		@DistributedLock(ttl = "30 parsecs")
		public void process() {
		}

	}

	static class MalformedDurationExpression {

		@DistributedLock(waitTime = "#seconds * (")
		public void process(long seconds) {
		}

	}

	static class NegativeDuration {

		@DistributedLock(lockAtLeastFor = "-1s")
		public void process() {
		}

	}

	static class ZeroTtl {

		@DistributedLock(ttl = "0")
		public void process() {
		}

	}

	static class SkipReturningPrimitive {

		@DistributedLock(onFailure = OnLockFailure.SKIP)
		public int count() {
			return 0;
		}

	}

	static class ReturnsFuture {

		@DistributedLock
		public CompletableFuture<String> process() {
			return CompletableFuture.completedFuture("x");
		}

	}

	static class UnresolvablePlaceholder {

		@DistributedLock(name = "${missing.lock.name}")
		public void process() {
		}

	}

	static class BlankName {

		@DistributedLock(name = "${lock.blank}")
		public void process() {
		}

	}

	@Retention(RetentionPolicy.RUNTIME)
	@DistributedLock(ttl = "soon")
	@interface SoonLock {

	}

	@Retention(RetentionPolicy.RUNTIME)
	@DistributedLock
	@interface Level1 {

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Level1
	@interface Level2 {

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Level2
	@interface Level3 {

	}

	static class TooDeep {

		@Level3
		public void process() {
		}

	}

	interface Greeter {

		@DistributedLock
		String greet();

	}

	static class GreeterImpl implements Greeter {

		@Override
		public String greet() {
			return "hi";
		}

	}

	static class Annotated {

		@DistributedLock
		public void process() {
		}

	}

	static class Overriding extends Annotated {

		@Override
		public void process() {
		}

	}

	static class Inheriting extends Annotated {

	}

	static class PrivateMethod {

		@DistributedLock
		private void process() {
		}

	}

	static class MalformedComposed {

		@SoonLock
		public void process() {
		}

	}

}
