package io.distlock.aop;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.SubmissionPublisher;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.ParallelFlux;

import io.distlock.annotation.DistributedLock;
import io.distlock.annotation.OnLockFailure;
import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.core.LockMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LockDefinitionValidator}: a malformed {@link DistributedLock}, one on a
 * method whose completion the lock cannot observe, or a lock kind that cannot be taken, fails
 * start-up with a message naming class, method, attribute or return type, and text or value.
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
	void failsOnPermitsBelowOne() {
		this.runner.withBean(NoPermits.class)
			.run((context) -> assertThat(failure(context)).contains(NoPermits.class.getName() + ".process")
				.contains("attribute 'permits' is 0")
				.contains("at least 1 permit"));
	}

	@Test
	void failsOnSharedWithPermitsOtherThanOne() {
		this.runner.withBean(SharedWithPermits.class)
			.run((context) -> assertThat(failure(context)).contains(SharedWithPermits.class.getName() + ".process")
				.contains("attribute 'mode' is SHARED with attribute 'permits' 3")
				.contains("has 1 permit"));
	}

	@Test
	void failsOnSharedWithSeveralKeys() {
		this.runner.withBean(SharedWithSeveralKeys.class)
			.run((context) -> assertThat(failure(context))
				.contains(SharedWithSeveralKeys.class.getName() + ".process")
				.contains("attribute 'key' = \"{#from, #to}\" names several keys")
				.contains("locked as mutexes only, but attribute 'mode' is SHARED"));
	}

	@Test
	void failsOnPermitsWithSeveralKeys() {
		this.runner.withBean(PermitsWithSeveralKeys.class)
			.run((context) -> assertThat(failure(context))
				.contains(PermitsWithSeveralKeys.class.getName() + ".process")
				.contains("attribute 'key' = \"{#from, #to}\" names several keys")
				.contains("locked as mutexes only, but attribute 'permits' is 2"));
	}

	@Test
	void startsWithSupportedAsynchronousReturnTypes() {
		this.runner.withBean(SupportedAsynchronous.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void failsOnFutureThatIsNotACompletionStage() {
		this.runner.withBean(ReturnsFuture.class)
			.run((context) -> assertThat(failure(context)).contains(ReturnsFuture.class.getName() + ".process")
				.contains("returns java.util.concurrent.Future<java.lang.String>")
				.contains("whose completion the lock cannot observe"));
	}

	@Test
	void failsOnCompletableFutureSubclass() {
		this.runner.withBean(ReturnsFutureSubclass.class)
			.run((context) -> assertThat(failure(context))
				.contains(ReturnsFutureSubclass.class.getName() + ".process")
				.contains("returns " + TimedFuture.class.getName())
				.contains("Return CompletableFuture or CompletionStage"));
	}

	@Test
	void failsOnBarePublisher() {
		this.runner.withBean(ReturnsPublisher.class)
			.run((context) -> assertThat(failure(context)).contains(ReturnsPublisher.class.getName() + ".process")
				.contains("returns org.reactivestreams.Publisher<java.lang.String>")
				.contains("whose completion the lock cannot observe"));
	}

	@Test
	void failsOnFlowPublisher() {
		this.runner.withBean(ReturnsFlowPublisher.class)
			.run((context) -> assertThat(failure(context))
				.contains(ReturnsFlowPublisher.class.getName() + ".process")
				.contains("returns java.util.concurrent.Flow$Publisher<java.lang.String>"));
	}

	@Test
	void failsOnReactiveTypesOtherThanMonoAndFlux() {
		this.runner.withBean(ReturnsParallelFlux.class)
			.run((context) -> assertThat(failure(context))
				.contains(ReturnsParallelFlux.class.getName() + ".process")
				.contains("returns reactor.core.publisher.ParallelFlux<java.lang.String>"));
		this.runner.withBean(ReturnsConnectableFlux.class)
			.run((context) -> assertThat(failure(context))
				.contains(ReturnsConnectableFlux.class.getName() + ".process")
				.contains("returns reactor.core.publisher.ConnectableFlux<java.lang.String>"));
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

		@DistributedLock(key = "#id", mode = LockMode.SHARED)
		public void read(String id) {
		}

		@DistributedLock(key = "{#id}", permits = 3)
		public void limited(String id) {
		}

		@DistributedLock(key = "{#from, #to}", mode = LockMode.EXCLUSIVE, permits = 1)
		public void transfer(String from, String to) {
		}

	}

	static class NoPermits {

		@DistributedLock(permits = 0)
		public void process() {
		}

	}

	static class SharedWithPermits {

		@DistributedLock(mode = LockMode.SHARED, permits = 3)
		public void process() {
		}

	}

	static class SharedWithSeveralKeys {

		@DistributedLock(key = "{#from, #to}", mode = LockMode.SHARED)
		public void process(String from, String to) {
		}

	}

	static class PermitsWithSeveralKeys {

		@DistributedLock(key = "{#from, #to}", permits = 2)
		public void process(String from, String to) {
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

	static class SupportedAsynchronous {

		@DistributedLock(onFailure = OnLockFailure.SKIP)
		public CompletableFuture<String> future() {
			return CompletableFuture.completedFuture("x");
		}

		@DistributedLock(onFailure = OnLockFailure.SKIP)
		public CompletionStage<Optional<String>> stage() {
			return CompletableFuture.completedFuture(Optional.of("x"));
		}

		@DistributedLock(onFailure = OnLockFailure.SKIP)
		public Mono<String> mono() {
			return Mono.just("x");
		}

		@DistributedLock
		public Flux<String> flux() {
			return Flux.just("x");
		}

	}

	static class ReturnsFuture {

		@DistributedLock
		public Future<String> process() {
			return CompletableFuture.completedFuture("x");
		}

	}

	static class TimedFuture extends CompletableFuture<String> {

	}

	static class ReturnsFutureSubclass {

		@DistributedLock
		public TimedFuture process() {
			return new TimedFuture();
		}

	}

	static class ReturnsPublisher {

		@DistributedLock
		public Publisher<String> process() {
			return Mono.just("x");
		}

	}

	static class ReturnsFlowPublisher {

		@DistributedLock
		public Flow.Publisher<String> process() {
			return new SubmissionPublisher<>();
		}

	}

	static class ReturnsParallelFlux {

		@DistributedLock
		public ParallelFlux<String> process() {
			return Flux.just("x").parallel();
		}

	}

	static class ReturnsConnectableFlux {

		@DistributedLock
		public ConnectableFlux<String> process() {
			return Flux.just("x").publish();
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
