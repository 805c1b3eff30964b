package io.distlock.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.blockhound.BlockingOperationError;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.distlock.annotation.DistributedLock;
import io.distlock.annotation.OnLockFailure;
import io.distlock.aop.LockTestContexts.Probe;
import io.distlock.aop.LockTestContexts.Witness;
import io.distlock.core.LockContext;
import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockNotAcquiredException;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static io.distlock.aop.LockTestContexts.withLockHeldElsewhere;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DistributedLockAspect} on methods returning {@code Mono} or {@code Flux},
 * against a real redis-server and with BlockHound watching: each subscription takes the lock
 * without blocking and holds it until the publisher terminates or is cancelled.
 */
class ReactiveLockIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = LockTestContexts.runner(redis.server())
		.withPropertyValues("distlock.max-waiters-per-key=2000")
		.withBean(Witness.class)
		.withBean(Streams.class);

	@BeforeAll
	static void watchForBlockingCalls() {
		BlockingCalls.watch();
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@AfterEach
	void reportsNoBlockingCall() {
		assertThat(BlockingCalls.reported()).isEmpty();
	}

	@Test
	void blockHoundReportsABlockingCallOnANonBlockingThread() {
		Throwable failure = catchThrowable(() -> Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		}).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10)));
		assertThat(Exceptions.unwrap(failure)).isInstanceOf(BlockingOperationError.class);
		assertThat(BlockingCalls.reported()).singleElement().asString().contains("java.lang.Thread.sleep");
		BlockingCalls.clear();
	}

	@Test
	void takesNothingUntilSubscribed() {
		this.runner.run((context) -> {
			Probe probe = context.getBean(Probe.class);
			Mono<Long> token = context.getBean(Streams.class).token("a", Duration.ofMillis(100));
			Thread.sleep(200);
			assertThat(probe.exists("reactive:a")).isFalse();
			assertThat(context.getBean(Witness.class).runs()).as("the method runs per subscription").isZero();
			assertThat(token.subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10))).isPositive();
			assertThat(probe.exists("reactive:a")).as("released before the subscriber completes").isFalse();
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void takesTheLockOnEverySubscriptionOneAfterTheOther() {
		this.runner.run((context) -> {
			Witness witness = context.getBean(Witness.class);
			Mono<Long> token = context.getBean(Streams.class).token("b", Duration.ofMillis(300));
			long start = System.nanoTime();
			List<Long> tokens = Flux
				.merge(token.subscribeOn(Schedulers.parallel()), token.subscribeOn(Schedulers.parallel()))
				.collectList()
				.block(Duration.ofSeconds(10));
			assertThat(tokens).hasSize(2).doesNotHaveDuplicates();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
			assertThat(witness.runs()).isEqualTo(2);
			assertThat(witness.overlaps()).isZero();
		});
	}

	@Test
	void releasesWhenTheSubscriberCancelsWhileHolding() {
		this.runner.run((context) -> {
			Probe probe = context.getBean(Probe.class);
			Streams streams = context.getBean(Streams.class);
			Disposable subscription = streams.never("c").subscribeOn(Schedulers.parallel()).subscribe();
			await().atMost(Duration.ofSeconds(10)).until(() -> probe.exists("reactive:c"));
			subscription.dispose();
			await().atMost(Duration.ofSeconds(5)).until(() -> !probe.exists("reactive:c"));
			assertThat(streams.token("c", Duration.ZERO).block(Duration.ofSeconds(10))).isPositive();
		});
	}

	@Test
	void cancellingAWaitingSubscriberWithdrawsItsRequest() {
		this.runner.run((context) -> {
			Probe probe = context.getBean(Probe.class);
			withLockHeldElsewhere(context, "reactive:d", () -> {
				Disposable subscription = context.getBean(Streams.class)
					.never("d")
					.subscribeOn(Schedulers.parallel())
					.subscribe();
				Thread.sleep(200);
				subscription.dispose();
			});
			Thread.sleep(300);
			assertThat(probe.exists("reactive:d")).isFalse();
			assertThat(context.getBean(Witness.class).runs()).isZero();
		});
	}

	@Test
	void signalsLockNotAcquiredInTheStream() {
		this.runner.run((context) -> withLockHeldElsewhere(context, "reactive:busy", () -> {
			Mono<Long> impatient = context.getBean(Streams.class).impatient("busy");
			assertThatExceptionOfType(LockNotAcquiredException.class)
				.isThrownBy(() -> impatient.subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10)))
				.withMessageContaining("reactive:busy")
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(LockStatus.TIMED_OUT));
			assertThat(context.getBean(Witness.class).runs()).isZero();
		}));
	}

	@Test
	void skipCompletesEmpty() {
		this.runner.run((context) -> withLockHeldElsewhere(context, "reactive:busy", () -> {
			Streams streams = context.getBean(Streams.class);
			assertThat(streams.skipping("busy").subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10)))
				.isNull();
			assertThat(streams.skippingMany("busy")
				.subscribeOn(Schedulers.parallel())
				.collectList()
				.block(Duration.ofSeconds(10))).isEmpty();
			assertThat(context.getBean(Witness.class).runs()).isZero();
		}));
	}

	@Test
	void signalsABackendFailureEvenWithSkip() {
		RedisServer down = redis.startAnother();
		down.kill();
		LockTestContexts.runner(down).withBean(Witness.class).withBean(Streams.class).run((context) -> {
			Mono<Long> skipping = context.getBean(Streams.class).skipping("down");
			assertThatExceptionOfType(LockException.class)
				.isThrownBy(() -> skipping.subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(30)))
				.isNotInstanceOf(LockNotAcquiredException.class);
			assertThat(context.getBean(Witness.class).runs()).isZero();
		});
	}

	@Test
	void zeroWaitTakesAFreeLockEveryTime() {
		this.runner.run((context) -> {
			Mono<Long> skipping = context.getBean(Streams.class).skipping("free");
			for (int i = 0; i < 100; i++) {
				assertThat(skipping.subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10))).isEqualTo(1L);
			}
			assertThat(context.getBean(Witness.class).runs()).isEqualTo(100);
		});
	}

	@Test
	void releasesWhenThePublisherFails() {
		this.runner.run((context) -> {
			Mono<Long> failing = context.getBean(Streams.class).failing("e");
			assertThatIllegalStateException()
				.isThrownBy(() -> failing.subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10)))
				.withMessage("boom");
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void fluxHoldsTheLockForTheWholeStream() {
		this.runner.run((context) -> {
			Probe probe = context.getBean(Probe.class);
			long start = System.nanoTime();
			CompletableFuture<List<Long>> ticks = context.getBean(Streams.class)
				.ticks("f")
				.subscribeOn(Schedulers.parallel())
				.collectList()
				.toFuture();
			await().atMost(Duration.ofSeconds(10)).until(() -> probe.exists("reactive:f"));
			List<Boolean> held = new ArrayList<>();
			while (!ticks.isDone()) {
				held.add(probe.exists("reactive:f") || ticks.isDone());
				Thread.sleep(50);
			}
			assertThat(ticks.get(10, TimeUnit.SECONDS)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
			assertThat(probe.exists("reactive:f")).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
			assertThat(held).hasSizeGreaterThan(10).containsOnly(true);
		});
	}

	@Test
	void thousandConcurrentSubscriptionsOnAFewThreadsNeverOverlap() {
		this.runner.run((context) -> {
			Streams streams = context.getBean(Streams.class);
			Witness witness = context.getBean(Witness.class);
			Scheduler subscribers = Schedulers.newParallel("subscribers", 4);
			try {
				Mono<Long> critical = streams.critical("g");
				List<Long> tokens = Flux.range(0, 1000)
					.flatMap((i) -> critical.subscribeOn(subscribers), 1000)
					.collectList()
					.block(Duration.ofSeconds(120));
				assertThat(tokens).hasSize(1000).doesNotHaveDuplicates();
			}
			finally {
				subscribers.dispose();
			}
			assertThat(witness.runs()).isEqualTo(1000);
			assertThat(witness.overlaps()).isZero();
			assertThat(streams.counter()).as("non-atomic counter").isEqualTo(1000);
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void handleIsCurrentInTheMethodAndInTheReactorContext() {
		this.runner.run((context) -> {
			String seen = context.getBean(Streams.class)
				.seesItsLock("h")
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(10));
			assertThat(seen).isEqualTo("reactive:h held=true | reactive:h held=true");
		});
	}

	@Test
	void subscriptionWithinOneHoldingTheSameKeyDoesNotTakeItAgain() {
		this.runner.run((context) -> {
			List<Long> tokens = context.getBean(Streams.class)
				.nested("i")
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(10));
			assertThat(tokens).hasSize(2);
			assertThat(tokens.get(1)).as("the inner call sees the outer lock").isEqualTo(tokens.get(0));
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	static class Streams {

		private final Witness witness;

		private volatile int counter;

		private final ObjectProvider<Streams> self;

		Streams(Witness witness, ObjectProvider<Streams> self) {
			this.witness = witness;
			this.self = self;
		}

		public int counter() {
			return this.counter;
		}

		/**
		 * Holds the lock for {@code hold}, then yields the fencing token found in the Reactor
		 * context; enters the witness while holding.
		 */
		@DistributedLock(name = "reactive", key = "#id", waitTime = "10s")
		public Mono<Long> token(String id, Duration hold) {
			this.witness.enter();
			return Mono.deferContextual((context) -> Mono.delay(hold)
				.map((tick) -> context.get(LockHandle.class).fencingToken()))
				.doOnTerminate(this.witness::exit)
				.doOnCancel(this.witness::exit);
		}

		@DistributedLock(name = "reactive", key = "#id", waitTime = "10s")
		public Mono<Long> never(String id) {
			this.witness.enter();
			return Mono.<Long>never().doOnCancel(this.witness::exit);
		}

		@DistributedLock(name = "reactive", key = "#id", waitTime = "200ms")
		public Mono<Long> impatient(String id) {
			this.witness.enter();
			this.witness.exit();
			return Mono.just(1L);
		}

		@DistributedLock(name = "reactive", key = "#id", waitTime = "0", onFailure = OnLockFailure.SKIP)
		public Mono<Long> skipping(String id) {
			this.witness.enter();
			this.witness.exit();
			return Mono.just(1L);
		}

		@DistributedLock(name = "reactive", key = "#id", waitTime = "0", onFailure = OnLockFailure.SKIP)
		public Flux<Long> skippingMany(String id) {
			this.witness.enter();
			this.witness.exit();
			return Flux.just(1L, 2L);
		}

		@DistributedLock(name = "reactive", key = "#id")
		public Mono<Long> failing(String id) {
			return Mono.delay(Duration.ofMillis(100)).then(Mono.error(new IllegalStateException("boom")));
		}

		@DistributedLock(name = "reactive", key = "#id")
		public Flux<Long> ticks(String id) {
			return Flux.interval(Duration.ofMillis(200)).take(6);
		}

		/**
		 * A critical section spanning an asynchronous boundary, with a non-atomic counter that
		 * loses increments if two ever overlap.
		 */
		@DistributedLock(name = "reactive", key = "#id", waitTime = "120s")
		public Mono<Long> critical(String id) {
			return Mono.deferContextual((context) -> {
				this.witness.enter();
				int read = this.counter;
				return Mono.delay(Duration.ofMillis(1)).map((tick) -> {
					this.counter = read + 1;
					this.witness.exit();
					return context.get(LockHandle.class).fencingToken();
				});
			});
		}

		@DistributedLock(name = "reactive", key = "#id")
		public Mono<String> seesItsLock(String id) {
			LockHandle inMethod = LockContext.current().orElseThrow();
			String fromMethod = inMethod.key() + " held=" + inMethod.isHeld();
			return Mono.deferContextual((context) -> {
				LockHandle inContext = context.get(LockHandle.class);
				return Mono.just(fromMethod + " | " + inContext.key() + " held=" + inContext.isHeld());
			});
		}

		@DistributedLock(name = "reactive", key = "#id", waitTime = "1s")
		public Mono<List<Long>> nested(String id) {
			return Mono.deferContextual((context) -> {
				long outer = context.get(LockHandle.class).fencingToken();
				return this.self.getObject().token(id, Duration.ZERO).map((inner) -> List.of(outer, inner));
			});
		}

	}

}
