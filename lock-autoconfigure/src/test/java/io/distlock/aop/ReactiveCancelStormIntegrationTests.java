package io.distlock.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.distlock.annotation.DistributedLock;
import io.distlock.aop.LockTestContexts.Probe;
import io.distlock.core.LibraryThreads;
import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockStatus;
import io.distlock.core.Storm;
import io.distlock.core.Storm.Section;
import io.distlock.core.Storm.Tally;
import io.distlock.redis.RedisLockManager;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DistributedLockAspect} on a method returning {@code Mono} under issue 17's
 * cancel storm, against a real redis-server and with BlockHound watching: a thousand
 * subscriptions on a few keys, half of them cancelled 0 to 2ms after subscribing. The Mono's work
 * never overlaps another's on its key nor runs without the lock, every subscription ends, and no
 * lock is left behind.
 */
class ReactiveCancelStormIntegrationTests {

	private static final int SUBSCRIPTIONS = 1000;

	private static final int KEYS = 4;

	/**
	 * Subscriptions start within this window, all of them in flight together, yet not queued
	 * so deep that every cancellation meets a waiter far from its grant.
	 */
	private static final Duration ARRIVALS = Duration.ofMillis(500);

	private static final long MAX_CANCEL_DELAY_NANOS = 2_000_000;

	/**
	 * How long the subscriptions may take to end: well past the method's wait of 20s, so that
	 * one stuck behind a leaked lock or a lost wake-up ends as timed out rather than not at all.
	 */
	private static final Duration ENDED_BOUND = Duration.ofSeconds(40);

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = LockTestContexts.runner(redis.server())
		.withPropertyValues("distlock.max-waiters-per-key=2000")
		.withBean(Works.class);

	@BeforeAll
	static void watchForBlockingCalls() {
		BlockingCalls.watch();
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void subscriptionsCancelledAtRandomNeverOverlapNorLeaveLocksBehind() {
		this.runner.run((context) -> {
			Works works = context.getBean(Works.class);
			Probe probe = context.getBean(Probe.class);
			List<Tally> tallies = new ArrayList<>(KEYS);
			for (int i = 0; i < KEYS; i++) {
				tallies.add(new Tally());
			}
			LibraryThreads threads = LibraryThreads.sample();
			CountDownLatch ended = new CountDownLatch(SUBSCRIPTIONS);
			Scheduler timer = Schedulers.parallel();
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < SUBSCRIPTIONS; i++) {
				Tally tally = tallies.get(i % KEYS);
				// Called here, not on a parallel thread: under BlockHound, Spring AOP matching the
				// method for the first time on a non-blocking thread reads a file, is refused, and
				// leaves the method unadvised from then on (every call ran without the lock).
				Mono<Long> work = works.work("k" + (i % KEYS), tally).doFinally((signal) -> ended.countDown());
				boolean cancel = random.nextBoolean();
				long cancelDelay = random.nextLong(MAX_CANCEL_DELAY_NANOS + 1);
				timer.schedule(() -> {
					tally.call();
					Disposable subscription = work.subscribe((token) -> {
					}, (failure) -> failed(tally, failure));
					if (cancel) {
						tally.disruption();
						timer.schedule(subscription::dispose, cancelDelay, TimeUnit.NANOSECONDS);
					}
				}, random.nextLong(ARRIVALS.toNanos()), TimeUnit.NANOSECONDS);
			}
			boolean allEnded = ended.await(ENDED_BOUND.toSeconds(), TimeUnit.SECONDS);
			threads.close();
			RedisLockManager locks = context.getBean(RedisLockManager.class);
			String stillHere = locks.localLocks().toString();
			for (int i = 0; i < KEYS; i++) {
				String key = "storm:k" + i;
				tallies.get(i)
					.settle("its key in Redis", Storm.SETTLE, () -> probe.exists(key) ? 1 : 0)
					.report("reactive " + key);
			}
			assertThat(allEnded).as("every subscription ended, %s left; locks here: %s", ended.getCount(), stillHere)
				.isTrue();
			for (Tally tally : tallies) {
				tally.assertNoViolations();
				assertThat(tally.outcomes(LockStatus.TIMED_OUT)).as("timed out: %s", tally).isZero();
			}
			assertThat(Storm.settle(Storm.SETTLE, redis.server()::lockKeyCount)).as("keys in Redis").isZero();
			assertThat(Storm.settle(Storm.SETTLE, locks::activeKeys)).as("keys with local state").isZero();
			assertThat(BlockingCalls.reported()).isEmpty();
			assertThat(threads.peak()).as("library threads during the storm")
				.isBetween(1, LibraryThreads.perManager(1));
		});
	}

	private static void failed(Tally tally, Throwable failure) {
		if (failure instanceof LockException lockFailure) {
			tally.notAcquired(lockFailure, false);
		}
		else {
			tally.error(failure);
		}
	}

	static class Works {

		/**
		 * Holds its key's lock for up to a millisecond of work, entering the tally's section
		 * once it has the lock, with the handle's view of it, and leaving it when the work ends
		 * or, before the lock is released, when the subscription is cancelled.
		 */
		@DistributedLock(name = "storm", key = "#key", ttl = "10s", waitTime = "20s")
		public Mono<Long> work(String key, Tally tally) {
			return Mono.deferContextual((context) -> {
				LockHandle handle = context.get(LockHandle.class);
				Section section = tally.enter(handle.isHeld(), false);
				return Mono.delay(Duration.ofNanos(ThreadLocalRandom.current().nextLong(1_000_001)))
					.map((tick) -> {
						section.exit();
						return handle.fencingToken();
					})
					.doOnCancel(section::cancel);
			});
		}

	}

}
