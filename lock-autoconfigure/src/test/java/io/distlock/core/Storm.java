package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.assertj.core.api.SoftAssertions;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

/**
 * Issue 17's storms: workers calling one lock over and over for a bounded time while a disruptor
 * interrupts random workers, or cancels random handles still in flight, every 0 to 2ms; a
 * {@link Tally} counts what a lock must never allow, independently of the lock. The time each
 * storm blows is {@code -Ddistlock.storm.duration} (a duration such as {@code 8s}), else 8s in
 * the full fault run ({@code -Ddistlock.faults.scale=full}), else 3s.
 */
public final class Storm {

	/** How long a storm blows, unless the full fault run or this property says otherwise. */
	public static final Duration DEFAULT_DURATION = Duration.ofSeconds(3);

	/** How long a worker may still take to end its last call once the storm stopped. */
	public static final Duration CALL_BOUND = Duration.ofSeconds(20);

	/** How long a storm waits for what it left behind to go. */
	public static final Duration SETTLE = Duration.ofSeconds(3);

	/** How many threads the storms call the lock from. */
	public static final int WORKERS = 8;

	/** The storms' request: one key, a lease longer than {@link #SETTLE}, so that a lock leaked unrenewed is still seen. */
	public static final LockRequest ONE_KEY = LockRequest.of("storm", Duration.ofSeconds(10))
		.withWaitTime(Duration.ofSeconds(5))
		.withName("storm");

	private static final long MAX_PAUSE_NANOS = 2_000_000;

	private final int workers;

	private final Duration duration;

	private Storm(int workers, Duration duration) {
		this.workers = workers;
		this.duration = duration;
	}

	/**
	 * A storm of {@code workers} workers for the configured {@link #duration()}.
	 * @param workers how many threads call the lock
	 * @return the storm
	 */
	public static Storm of(int workers) {
		return new Storm(workers, duration());
	}

	/**
	 * How long each storm blows.
	 * @return {@code -Ddistlock.storm.duration}, else 8s in the full fault run, else 3s
	 */
	public static Duration duration() {
		String configured = System.getProperty("distlock.storm.duration");
		if (configured != null && !configured.isBlank()) {
			return DurationStyle.detectAndParse(configured.trim());
		}
		return "full".equals(System.getProperty("distlock.faults.scale")) ? Duration.ofSeconds(8) : DEFAULT_DURATION;
	}

	/**
	 * Runs {@code call} on every worker, again and again, while a disruptor interrupts a random
	 * worker every 0 to 2ms; then stops the disruptor and gives each worker {@link #CALL_BOUND}
	 * to end its last call.
	 * @param call one call of the lock by one worker
	 * @return what the storm saw
	 * @throws InterruptedException if the test thread is interrupted
	 */
	public Tally interrupting(Call call) throws InterruptedException {
		return blow(call, true, (threads, slots, tally) -> {
			threads.get(ThreadLocalRandom.current().nextInt(threads.size())).interrupt();
			tally.disruptions.incrementAndGet();
		});
	}

	/**
	 * Runs {@code call} on every worker, again and again, while a disruptor cancels the handle a
	 * random worker waits on, if any, every 0 to 2ms; then stops the disruptor and gives each
	 * worker {@link #CALL_BOUND} to end its last call.
	 * @param call one call of the lock by one worker, which offers its handle to the disruptor
	 * while it waits
	 * @return what the storm saw
	 * @throws InterruptedException if the test thread is interrupted
	 */
	public Tally cancelling(Call call) throws InterruptedException {
		return blow(call, false, (threads, slots, tally) -> {
			if (slots.get(ThreadLocalRandom.current().nextInt(slots.size())).cancel()) {
				tally.disruptions.incrementAndGet();
			}
		});
	}

	private Tally blow(Call call, boolean interrupting, Disruption disruption) throws InterruptedException {
		Tally tally = new Tally(interrupting);
		AtomicBoolean blowing = new AtomicBoolean(true);
		List<Thread> threads = new ArrayList<>(this.workers);
		List<Slot> slots = new ArrayList<>(this.workers);
		for (int i = 0; i < this.workers; i++) {
			Slot slot = new Slot();
			slots.add(slot);
			threads.add(new Thread(() -> work(call, slot, tally, blowing), "storm-worker-" + i));
		}
		Thread disruptor = new Thread(() -> {
			while (blowing.get()) {
				LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(MAX_PAUSE_NANOS + 1));
				disruption.strike(threads, slots, tally);
			}
		}, "storm-disruptor");
		// A worker stuck in a call fails the test; it must not keep the JVM alive too.
		threads.forEach((thread) -> thread.setDaemon(true));
		disruptor.setDaemon(true);
		long start = System.nanoTime();
		threads.forEach(Thread::start);
		disruptor.start();
		Thread.sleep(this.duration.toMillis());
		blowing.set(false);
		disruptor.join(CALL_BOUND.toMillis());
		long deadline = System.nanoTime() + CALL_BOUND.toNanos();
		for (Thread thread : threads) {
			thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			if (thread.isAlive()) {
				tally.hung.add(thread.getName() + " still in a call, at " + stackTop(thread));
			}
		}
		tally.elapsed = Duration.ofNanos(System.nanoTime() - start);
		return tally;
	}

	private static void work(Call call, Slot slot, Tally tally, AtomicBoolean blowing) {
		while (blowing.get()) {
			try {
				call.run(slot, tally);
			}
			catch (Throwable ex) {
				tally.error(ex);
			}
			finally {
				slot.withdraw();
				// An interrupt aimed at the call just made must not cancel the next one.
				Thread.interrupted();
			}
			tally.calls.incrementAndGet();
		}
	}

	private static String stackTop(Thread thread) {
		StackTraceElement[] stack = thread.getStackTrace();
		return (stack.length > 0) ? stack[0].toString() : "(no stack)";
	}

	/**
	 * Polls {@code count} until it is zero or {@code bound} passes.
	 * @param bound how long to keep polling
	 * @param count what must reach zero, such as the keys left in the backend
	 * @return the last count, zero unless the bound passed first
	 * @throws Exception if counting fails or the test thread is interrupted
	 */
	public static long settle(Duration bound, Count count) throws Exception {
		long deadline = System.nanoTime() + bound.toNanos();
		long last = count.get();
		while (last != 0 && System.nanoTime() - deadline < 0) {
			Thread.sleep(20);
			last = count.get();
		}
		return last;
	}

	/**
	 * A call that requests the lock, offers the handle to the disruptor, awaits the outcome and
	 * checks at once that an acquired handle is held, runs the section unless the disruptor
	 * cancelled the handle meanwhile, and unlocks.
	 * @param locks the manager
	 * @param request what to lock
	 * @return the call
	 */
	public static Call awaiting(LockManager locks, LockRequest request) {
		return (slot, tally) -> {
			LockHandle handle = locks.lock(request);
			try {
				slot.offer(handle);
				LockResult result = handle.await();
				boolean held = handle.isHeld();
				boolean interrupted = Thread.currentThread().isInterrupted();
				boolean cancelled = slot.withdraw();
				if (!result.acquired()) {
					tally.outcome(result, interrupted);
				}
				else if (cancelled) {
					tally.withdrawnAfterGrant();
				}
				else {
					tally.section(held);
				}
			}
			finally {
				unlock(handle, tally);
			}
		};
	}

	/**
	 * A call that acquires the lock, blocking, checks at once that the handle it returns is held,
	 * runs the section and unlocks.
	 * @param locks the manager
	 * @param request what to lock
	 * @return the call
	 */
	public static Call acquiring(LockManager locks, LockRequest request) {
		return (slot, tally) -> {
			LockHandle handle;
			try {
				handle = locks.acquire(request);
			}
			catch (LockException ex) {
				tally.notAcquired(ex, Thread.currentThread().isInterrupted());
				return;
			}
			try {
				tally.section(handle.isHeld());
			}
			finally {
				unlock(handle, tally);
			}
		};
	}

	private static void unlock(LockHandle handle, Tally tally) {
		try {
			handle.unlock();
		}
		catch (RuntimeException ex) {
			tally.unlockFailed(ex);
		}
	}

	/**
	 * One call of the lock by a worker, reporting to the tally: it passes the outcome to
	 * {@link Tally#notAcquired} or runs the critical section through {@link Tally#section}.
	 */
	@FunctionalInterface
	public interface Call {

		void run(Slot slot, Tally tally) throws Exception;

	}

	/**
	 * Something that must drop to zero once a storm is over.
	 */
	@FunctionalInterface
	public interface Count {

		long get() throws Exception;

	}

	@FunctionalInterface
	private interface Disruption {

		void strike(List<Thread> threads, List<Slot> slots, Tally tally);

	}

	/**
	 * Where a worker offers the handle it waits on to a cancelling disruptor. Offering,
	 * withdrawing and cancelling exclude each other, so a handle the worker withdrew before its
	 * critical section is never cancelled in it: an overlap then is the lock's fault, not the
	 * test's.
	 */
	public static final class Slot {

		private @Nullable LockHandle handle;

		private boolean cancelled;

		/**
		 * Offers {@code handle} for cancelling until {@link #withdraw()}.
		 * @param handle the handle about to be awaited
		 */
		public synchronized void offer(LockHandle handle) {
			this.handle = handle;
			this.cancelled = false;
		}

		/**
		 * Takes the handle back.
		 * @return whether the disruptor cancelled it meanwhile
		 */
		public synchronized boolean withdraw() {
			boolean wasCancelled = this.cancelled;
			this.handle = null;
			this.cancelled = false;
			return wasCancelled;
		}

		synchronized boolean cancel() {
			LockHandle offered = this.handle;
			if (offered == null || this.cancelled) {
				return false;
			}
			this.cancelled = true;
			offered.cancel();
			return true;
		}

	}

	/**
	 * What a storm saw: outcomes, and the violations a lock must never allow, counted apart from
	 * the lock: critical sections inside at once (an occupancy count above one), increments
	 * lost by a deliberately non-atomic counter, sections entered under a handle not held, and
	 * calls that never returned or threw what they must not. Thread-safe.
	 */
	public static final class Tally {

		private static final int MAX_ERRORS_KEPT = 5;

		final AtomicLong calls = new AtomicLong();

		final AtomicLong disruptions = new AtomicLong();

		private final AtomicLongArray outcomes = new AtomicLongArray(LockStatus.values().length);

		private final AtomicLong acquiredInterrupted = new AtomicLong();

		private final AtomicLong cancelledWithoutInterrupt = new AtomicLong();

		private final AtomicLong withdrawnAfterGrant = new AtomicLong();

		private final AtomicLong acquiredNotHeld = new AtomicLong();

		private final AtomicInteger occupancy = new AtomicInteger();

		private final AtomicInteger maxOccupancy = new AtomicInteger();

		private final AtomicLong overlaps = new AtomicLong();

		private final AtomicLong sections = new AtomicLong();

		private final AtomicLong cutShort = new AtomicLong();

		private volatile long counter;

		private final AtomicLong errors = new AtomicLong();

		private final AtomicLong unlockFailures = new AtomicLong();

		private final ConcurrentLinkedQueue<Throwable> firstErrors = new ConcurrentLinkedQueue<>();

		final List<String> hung = new ArrayList<>();

		private volatile Duration elapsed = Duration.ZERO;

		private final boolean interrupting;

		private final Map<String, Long> left = new ConcurrentHashMap<>();

		/**
		 * A tally for a storm without interrupts.
		 */
		public Tally() {
			this(false);
		}

		Tally(boolean interrupting) {
			this.interrupting = interrupting;
		}

		/**
		 * Records a call that did not get the lock.
		 * @param status its outcome
		 * @param interrupted whether the caller's interrupt flag was set on return
		 */
		public void notAcquired(LockStatus status, boolean interrupted) {
			this.outcomes.incrementAndGet(status.ordinal());
			if (this.interrupting && status == LockStatus.CANCELLED && !interrupted) {
				this.cancelledWithoutInterrupt.incrementAndGet();
			}
		}

		/**
		 * Records the outcome of a call that did not get the lock.
		 * @param result the outcome
		 * @param interrupted whether the caller's interrupt flag was set on return
		 */
		public void outcome(LockResult result, boolean interrupted) {
			Throwable failure = result.failure();
			if (failure != null) {
				failed(failure);
			}
			else {
				notAcquired(result.status(), interrupted);
			}
		}

		/**
		 * Records what a blocking call threw instead of returning the lock.
		 * @param exception a {@link LockNotAcquiredException} for a lock not acquired, else a
		 * backend failure
		 * @param interrupted whether the caller's interrupt flag was set on return
		 */
		public void notAcquired(LockException exception, boolean interrupted) {
			if (exception instanceof LockNotAcquiredException notAcquired) {
				notAcquired(notAcquired.getStatus(), interrupted);
			}
			else {
				failed(exception);
			}
		}

		/**
		 * Records a call that ended {@link LockStatus#FAILED}.
		 * @param cause why
		 */
		public void failed(Throwable cause) {
			this.outcomes.incrementAndGet(LockStatus.FAILED.ordinal());
			keep(cause);
		}

		/**
		 * Records a grant the cancelling disruptor may have undone before the section began,
		 * which the worker therefore skips.
		 */
		public void withdrawnAfterGrant() {
			this.outcomes.incrementAndGet(LockStatus.ACQUIRED.ordinal());
			this.withdrawnAfterGrant.incrementAndGet();
		}

		/**
		 * Runs a short critical section on the calling thread for a call that got the lock: checks
		 * the handle, clears the interrupt flag (an interrupted caller that got the lock keeps it),
		 * then increments the non-atomic counter with yields in between.
		 * @param held whether the handle was held right after the call returned, before anything
		 * else
		 */
		public void section(boolean held) {
			Section section = enter(held, Thread.interrupted());
			for (int i = 0; i < 3; i++) {
				Thread.yield();
			}
			section.exit();
		}

		/**
		 * Enters a critical section for a call that got the lock, to be left by
		 * {@link Section#exit()}, possibly on another thread.
		 * @param held whether the handle was held at entry
		 * @param interrupted whether the caller's interrupt flag was set when it got the lock
		 * @return the section
		 */
		public Section enter(boolean held, boolean interrupted) {
			this.outcomes.incrementAndGet(LockStatus.ACQUIRED.ordinal());
			if (interrupted) {
				this.acquiredInterrupted.incrementAndGet();
			}
			if (!held) {
				this.acquiredNotHeld.incrementAndGet();
			}
			int inside = this.occupancy.incrementAndGet();
			this.maxOccupancy.accumulateAndGet(inside, Math::max);
			if (inside > 1) {
				this.overlaps.incrementAndGet();
			}
			this.sections.incrementAndGet();
			return new Section(this, this.counter);
		}

		/**
		 * Records what a call must never throw.
		 * @param failure what it threw
		 */
		public void error(Throwable failure) {
			this.errors.incrementAndGet();
			keep(failure);
		}

		/**
		 * Records an {@link LockHandle#unlock()} that threw: the caller cannot tell whether
		 * the lock is still held.
		 * @param failure what it threw
		 */
		public void unlockFailed(Throwable failure) {
			this.unlockFailures.incrementAndGet();
			keep(failure);
		}

		private void keep(Throwable failure) {
			if (this.firstErrors.size() < MAX_ERRORS_KEPT) {
				this.firstErrors.add(failure);
			}
		}

		/**
		 * Records what the storm left behind once it was over and every handle released,
		 * polling {@code count} until it is zero or {@code bound} passes.
		 * @param what what is counted, such as the keys left in the backend
		 * @param bound how long releases may take to show
		 * @param count what must reach zero
		 * @return this tally
		 * @throws Exception if counting fails or the test thread is interrupted
		 */
		public Tally settle(String what, Duration bound, Count count) throws Exception {
			this.left.put(what, Storm.settle(bound, count));
			return this;
		}

		/**
		 * Counts a call, for a storm run by the test itself.
		 */
		public void call() {
			this.calls.incrementAndGet();
		}

		/**
		 * Counts a disruption, for a storm run by the test itself.
		 */
		public void disruption() {
			this.disruptions.incrementAndGet();
		}

		public long calls() {
			return this.calls.get();
		}

		public long outcomes(LockStatus status) {
			return this.outcomes.get(status.ordinal());
		}

		/** Sections that began while another was inside. */
		public long overlaps() {
			return this.overlaps.get();
		}

		/** Increments the non-atomic counter lost to overlapping sections. */
		public long lostUpdates() {
			return this.sections.get() - this.counter;
		}

		/** Calls that got the lock, or entered the section, while their handle was not held. */
		public long acquiredNotHeld() {
			return this.acquiredNotHeld.get();
		}

		/** Calls cancelled on an interrupt that did not leave the interrupt flag set. */
		public long cancelledWithoutInterrupt() {
			return this.cancelledWithoutInterrupt.get();
		}

		/** Grants that came with the caller's interrupt flag set: the race the storm is for. */
		public long acquiredInterrupted() {
			return this.acquiredInterrupted.get();
		}

		/** Sections left by a cancellation rather than at the end of their work. */
		public long cutShort() {
			return this.cutShort.get();
		}

		public long sections() {
			return this.sections.get();
		}

		/**
		 * Prints this tally to the test's output, where the surefire report keeps it.
		 * @param storm which storm it was
		 * @return this tally
		 */
		public Tally report(String storm) {
			System.out.println(storm + ": " + this);
			return this;
		}

		/**
		 * Asserts what every storm must show, all at once so a failure names every count: no
		 * overlap, no lost increment, no grant of a handle not held, no call that hung or threw,
		 * no unlock that threw, none ended as {@link LockStatus#FAILED}, no interrupt lost by a
		 * call it cancelled, nothing left behind ({@link #settle}), and some sections ran.
		 */
		public void assertNoViolations() {
			SoftAssertions softly = new SoftAssertions();
			softly.assertThat(this.hung).as("calls that did not return: %s", this).isEmpty();
			softly.assertThat(this.overlaps.get()).as("overlapping sections: %s", this).isZero();
			softly.assertThat(this.maxOccupancy.get()).as("most sections inside at once: %s", this)
				.isLessThanOrEqualTo(1);
			softly.assertThat(lostUpdates()).as("increments lost: %s", this).isZero();
			softly.assertThat(this.acquiredNotHeld.get()).as("acquired but not held: %s", this).isZero();
			softly.assertThat(this.errors.get()).as("exceptions thrown by calls: %s", this)
				.isZero();
			softly.assertThat(this.unlockFailures.get()).as("unlocks that threw: %s", this).isZero();
			softly.assertThat(outcomes(LockStatus.FAILED)).as("failed outcomes: %s", this).isZero();
			if (this.interrupting) {
				softly.assertThat(this.cancelledWithoutInterrupt.get())
					.as("cancelled without the interrupt flag set: %s", this)
					.isZero();
			}
			this.left.forEach((what, count) -> softly.assertThat(count).as("%s left: %s", what, this).isZero());
			softly.assertThat(this.sections.get()).as("sections run: %s", this).isPositive();
			softly.assertAll();
		}

		@Override
		public String toString() {
			StringBuilder summary = new StringBuilder();
			if (!this.elapsed.isZero()) {
				summary.append("storm of ").append(this.elapsed.toMillis()).append("ms: ");
			}
			summary.append("calls=")
				.append(this.calls.get())
				.append(", disruptions=")
				.append(this.disruptions.get());
			for (LockStatus status : LockStatus.values()) {
				summary.append(", ").append(status.name().toLowerCase()).append('=').append(outcomes(status));
			}
			summary.append(", acquiredInterrupted=")
				.append(this.acquiredInterrupted.get())
				.append(", withdrawnAfterGrant=")
				.append(this.withdrawnAfterGrant.get())
				.append(", sections=")
				.append(this.sections.get())
				.append(", cutShort=")
				.append(this.cutShort.get())
				.append(" | overlaps=")
				.append(this.overlaps.get())
				.append(", maxOccupancy=")
				.append(this.maxOccupancy.get())
				.append(", lostUpdates=")
				.append(lostUpdates())
				.append(", acquiredNotHeld=")
				.append(this.acquiredNotHeld.get())
				.append(", cancelledWithoutInterrupt=")
				.append(this.cancelledWithoutInterrupt.get())
				.append(", errors=")
				.append(this.errors.get())
				.append(", unlockFailures=")
				.append(this.unlockFailures.get())
				.append(", hung=")
				.append(this.hung)
				.append(", left=")
				.append(this.left);
			for (Throwable error : this.firstErrors) {
				summary.append("\n  failure: ").append(error);
				for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
					summary.append("\n    caused by: ").append(cause);
				}
			}
			return summary.toString();
		}

	}

	/**
	 * One critical section, left once, by its end or by a cancellation, whichever comes first.
	 */
	public static final class Section {

		private final Tally tally;

		private final long read;

		private final AtomicBoolean inside = new AtomicBoolean(true);

		private Section(Tally tally, long read) {
			this.tally = tally;
			this.read = read;
		}

		/**
		 * Leaves the section at the end of its work.
		 */
		public void exit() {
			leave(false);
		}

		/**
		 * Leaves the section because it was cancelled, if it is still inside.
		 */
		public void cancel() {
			leave(true);
		}

		private void leave(boolean cancelled) {
			if (this.inside.compareAndSet(true, false)) {
				this.tally.counter = this.read + 1;
				if (cancelled) {
					this.tally.cutShort.incrementAndGet();
				}
				this.tally.occupancy.decrementAndGet();
			}
		}

	}

}
