package io.distlock.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

import io.distlock.annotation.DistributedLock;
import io.distlock.core.LockContext;
import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockMode;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@code @DistributedLock} with {@code mode} and {@code permits} against a real
 * redis-server: shared calls of a key run together, never beside an exclusive one, a call with
 * {@code permits = 2} has at most one other beside it, and re-entry runs a shared call inside an
 * exclusive hold of its key but refuses the upgrade from shared to exclusive at once; a
 * {@code CompletableFuture} or {@code Mono} method holds its share until it completes.
 */
class LockKindsAnnotationIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private static ApplicationContextRunner runner() {
		return LockTestContexts.runner(redis.server()).withBean(Inner.class).withBean(Library.class);
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void sharedCallsOfAKeyRunTogether() {
		runner().run((context) -> {
			Library library = context.getBean(Library.class);
			CyclicBarrier bothInside = new CyclicBarrier(2);
			ExecutorService threads = Executors.newFixedThreadPool(2);
			try {
				CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> library.meet("a", bothInside),
						threads);
				CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> library.meet("a", bothInside),
						threads);
				assertThat(first.get(30, TimeUnit.SECONDS)).as("first reader met the second inside").isTrue();
				assertThat(second.get(30, TimeUnit.SECONDS)).as("second reader met the first inside").isTrue();
			}
			finally {
				threads.shutdownNow();
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.server().lockKeyCount() == 0);
		});
	}

	@Test
	void sharedAndExclusiveCallsOfAKeyNeverOverlap() {
		runner().run((context) -> {
			Library library = context.getBean(Library.class);
			runOnThreads(4, 80, (thread, call) -> {
				if ((thread + call) % 4 == 0) {
					library.write("b");
				}
				else {
					library.read("b");
				}
			});
			assertThat(library.violations()).as("a reader beside a writer, or two writers").isZero();
			assertThat(library.reads()).isEqualTo(4 * 80 * 3 / 4);
			assertThat(library.writes()).isEqualTo(4 * 80 / 4);
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.server().lockKeyCount() == 0);
		});
	}

	@Test
	void twoPermitsAdmitTwoCallsAtOnceAndNeverMore() {
		runner().run((context) -> {
			Library library = context.getBean(Library.class);
			runOnThreads(4, 40, (thread, call) -> library.borrow("c"));
			assertThat(library.borrowViolations()).as("calls beyond the 2 permits").isZero();
			assertThat(library.maxBorrowers()).as("most calls inside at once").isEqualTo(2);
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.server().lockKeyCount() == 0);
		});
	}

	@Test
	void sharedWithinExclusiveOfTheSameKeyRunsInsideTheHeldLock() {
		runner().run((context) -> {
			List<String> trace = context.getBean(Library.class).editThenRead("d");
			assertThat(trace).hasSize(2);
			assertThat(trace.get(1)).as("the shared call runs inside the exclusive handle").isEqualTo(trace.get(0));
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	@Test
	void exclusiveWithinSharedOfTheSameKeyFailsAtOnce() {
		runner().run((context) -> {
			Library library = context.getBean(Library.class);
			long start = System.nanoTime();
			assertThatExceptionOfType(LockException.class).isThrownBy(() -> library.readThenEdit("e"))
				.withMessageContaining("Lock 'shelf:e' is held SHARED around this call, which asks for it EXCLUSIVE")
				.withMessageContaining("an upgrade from shared to exclusive would deadlock");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well within the inner call's 10s wait")
				.isLessThan(Duration.ofSeconds(3));
			assertThat(context.getBean(Inner.class).edits()).isZero();
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.server().lockKeyCount() == 0);
		});
	}

	@Test
	void asynchronousSharedCallsHoldTheirSharesUntilTheyCompleteAndKeepAWriterOut() {
		runner().run((context) -> {
			Library library = context.getBean(Library.class);
			CompletableFuture<Void> stage = new CompletableFuture<>();
			CompletableFuture<String> shared = library.readLater("f", stage);
			Mono<String> reactive = library.readReactively("f", Mono.fromFuture(stage).thenReturn("read"));
			CompletableFuture<String> subscribed = reactive.toFuture();
			await().atMost(Duration.ofSeconds(5)).until(() -> library.sharesInside() == 2);
			CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> library.edit("f"));
			Thread.sleep(300);
			assertThat(writer).as("the writer waits while both shares are held").isNotDone();
			stage.complete(null);
			assertThat(shared.get(10, TimeUnit.SECONDS)).isEqualTo("read");
			assertThat(subscribed.get(10, TimeUnit.SECONDS)).isEqualTo("read");
			writer.get(10, TimeUnit.SECONDS);
			assertThat(library.violations()).isZero();
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.server().lockKeyCount() == 0);
		});
	}

	private static void runOnThreads(int threadCount, int callsEach, Call call) throws Exception {
		List<CompletableFuture<Void>> threads = new ArrayList<>();
		for (int t = 0; t < threadCount; t++) {
			int thread = t;
			threads.add(CompletableFuture.runAsync(() -> {
				for (int i = 0; i < callsEach; i++) {
					call.run(thread, i);
				}
			}, (runnable) -> new Thread(runnable).start()));
		}
		CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
	}

	private static void pause() {
		try {
			Thread.sleep(1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@FunctionalInterface
	interface Call {

		void run(int thread, int call);

	}

	/**
	 * Inner calls of the same keys, reached from {@link Library} through the proxy.
	 */
	static class Inner {

		private final AtomicInteger edits = new AtomicInteger();

		@DistributedLock(name = "shelf", key = "#id", mode = LockMode.SHARED, waitTime = "10s")
		public String read(String id) {
			return LockContext.current().orElseThrow().toString();
		}

		@DistributedLock(name = "shelf", key = "#id", waitTime = "10s")
		public void edit(String id) {
			this.edits.incrementAndGet();
		}

		public int edits() {
			return this.edits.get();
		}

	}

	/**
	 * Readers, writers and borrowers guarded only by the lock, with independent witnesses of
	 * what ran beside what.
	 */
	static class Library {

		private final Inner inner;

		private final AtomicInteger readers = new AtomicInteger();

		private final AtomicBoolean writing = new AtomicBoolean();

		private final AtomicInteger violations = new AtomicInteger();

		private final AtomicInteger reads = new AtomicInteger();

		private final AtomicInteger writes = new AtomicInteger();

		private final AtomicInteger borrowers = new AtomicInteger();

		private final AtomicInteger maxBorrowers = new AtomicInteger();

		private final AtomicInteger borrowViolations = new AtomicInteger();

		private final AtomicInteger sharesInside = new AtomicInteger();

		Library(Inner inner) {
			this.inner = inner;
		}

		@DistributedLock(name = "meet", key = "#id", mode = LockMode.SHARED, waitTime = "10s")
		public boolean meet(String id, CyclicBarrier bothInside) {
			try {
				bothInside.await(10, TimeUnit.SECONDS);
				return true;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			catch (BrokenBarrierException | TimeoutException ex) {
				return false;
			}
		}

		@DistributedLock(name = "books", key = "#id", mode = LockMode.SHARED, waitTime = "60s")
		public void read(String id) {
			this.readers.incrementAndGet();
			if (this.writing.get()) {
				this.violations.incrementAndGet();
			}
			pause();
			this.reads.incrementAndGet();
			this.readers.decrementAndGet();
		}

		@DistributedLock(name = "books", key = "#id", waitTime = "60s")
		public void write(String id) {
			if (!this.writing.compareAndSet(false, true)) {
				this.violations.incrementAndGet();
			}
			if (this.readers.get() > 0) {
				this.violations.incrementAndGet();
			}
			pause();
			this.writes.incrementAndGet();
			this.writing.set(false);
		}

		@DistributedLock(name = "pool", key = "#id", permits = 2, waitTime = "60s")
		public void borrow(String id) {
			int inside = this.borrowers.incrementAndGet();
			this.maxBorrowers.accumulateAndGet(inside, Math::max);
			if (inside > 2) {
				this.borrowViolations.incrementAndGet();
			}
			pause();
			this.borrowers.decrementAndGet();
		}

		@DistributedLock(name = "async", key = "#id", mode = LockMode.SHARED, waitTime = "10s")
		public CompletableFuture<String> readLater(String id, CompletableFuture<Void> done) {
			this.sharesInside.incrementAndGet();
			return done.thenApply((ignored) -> {
				this.sharesInside.decrementAndGet();
				return "read";
			});
		}

		@DistributedLock(name = "async", key = "#id", mode = LockMode.SHARED, waitTime = "10s")
		public Mono<String> readReactively(String id, Mono<String> read) {
			this.sharesInside.incrementAndGet();
			return read.doFinally((signal) -> this.sharesInside.decrementAndGet());
		}

		@DistributedLock(name = "async", key = "#id", waitTime = "10s")
		public void edit(String id) {
			if (this.sharesInside.get() > 0) {
				this.violations.incrementAndGet();
			}
		}

		public int sharesInside() {
			return this.sharesInside.get();
		}

		@DistributedLock(name = "shelf", key = "#id")
		public List<String> editThenRead(String id) {
			LockHandle handle = LockContext.current().orElseThrow();
			return List.of(handle.toString(), this.inner.read(id));
		}

		@DistributedLock(name = "shelf", key = "#id", mode = LockMode.SHARED)
		public void readThenEdit(String id) {
			this.inner.edit(id);
		}

		public int violations() {
			return this.violations.get();
		}

		public int reads() {
			return this.reads.get();
		}

		public int writes() {
			return this.writes.get();
		}

		public int borrowViolations() {
			return this.borrowViolations.get();
		}

		public int maxBorrowers() {
			return this.maxBorrowers.get();
		}

	}

}
