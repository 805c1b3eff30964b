package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link QueuedLockManager} on an {@link InMemoryLockBackend} for engine tests, closed after
 * each test, with the bounded waits those tests share.
 */
final class EngineFixture implements AfterEachCallback {

	/** The longest any single wait of a test may take. */
	static final Duration TIMEOUT = InMemoryLockBackend.TEST_TIMEOUT;

	/**
	 * Settings that never hand a lease on in memory, so every hand-off is a backend call a test
	 * can see and pause.
	 */
	static final LockSettings SETTINGS = LockSettings.DEFAULTS.withLocalHandOffs(Duration.ZERO, 0);

	private final InMemoryLockBackend backend = new InMemoryLockBackend();

	private final List<QueuedLockManager> managers = new ArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	InMemoryLockBackend backend() {
		return this.backend;
	}

	QueuedLockManager manager() {
		return manager(SETTINGS, LockListener.NO_OP);
	}

	QueuedLockManager manager(LockSettings settings) {
		return manager(settings, LockListener.NO_OP);
	}

	QueuedLockManager manager(LockSettings settings, LockListener listener) {
		QueuedLockManager manager = new QueuedLockManager(this.backend, settings, listener);
		this.managers.add(manager);
		return manager;
	}

	/**
	 * Runs {@code task} on a thread of its own, whose outcome and interrupt flag the test reads later.
	 */
	<T> Background<T> inBackground(String name, Supplier<T> task) {
		Background<T> background = new Background<>(name, task);
		this.threads.add(background.thread);
		background.thread.start();
		return background;
	}

	/**
	 * Waits until the backend holds and watches nothing and {@code locks} keeps no key.
	 */
	void assertNothingLeft(QueuedLockManager locks) {
		eventually("no held key, no local key and no open watch", () -> this.backend.keys().isEmpty()
				&& locks.activeKeys() == 0 && this.backend.openWatches() == 0);
	}

	@Override
	public void afterEach(ExtensionContext context) throws InterruptedException {
		// Paused calls would keep the engine's threads, and a failed test's, from ending.
		this.backend.openGates();
		for (QueuedLockManager manager : this.managers) {
			manager.close();
		}
		for (Thread thread : this.threads) {
			thread.interrupt();
			thread.join(TIMEOUT.toMillis());
		}
		this.backend.close();
	}

	/**
	 * The outcome of {@code handle}, waiting for it at most {@link #TIMEOUT}.
	 */
	static LockResult resultOf(LockHandle handle) {
		try {
			return handle.result().get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("No outcome for " + handle + " within " + TIMEOUT);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted waiting for " + handle, ex);
		}
		catch (ExecutionException ex) {
			throw new AssertionError("The result future of " + handle + " failed", ex);
		}
	}

	/**
	 * Gives {@code future} up to {@code patience} to complete, for an outcome an engine may
	 * decide at once or only once a call in flight returns.
	 * @return whether it completed
	 */
	static boolean settle(CompletableFuture<?> future, Duration patience) {
		try {
			future.get(patience.toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
		catch (ExecutionException ex) {
			return true;
		}
	}

	/**
	 * Polls {@code condition} until it holds, for at most {@link #TIMEOUT}.
	 */
	static void eventually(String description, BooleanSupplier condition) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Timed out after " + TIMEOUT + " waiting for " + description);
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting for " + description, ex);
			}
		}
	}

	/**
	 * A task on a thread of its own: what it returned or threw and whether its thread was
	 * interrupted when it ended.
	 */
	static final class Background<T> {

		private static final Set<Thread.State> PARKED = EnumSet.of(Thread.State.WAITING, Thread.State.TIMED_WAITING);

		private final Thread thread;

		private final CompletableFuture<T> outcome = new CompletableFuture<>();

		private final AtomicReference<@Nullable Boolean> interrupted = new AtomicReference<>();

		Background(String name, Supplier<T> task) {
			this.thread = new Thread(() -> {
				try {
					this.outcome.complete(task.get());
				}
				catch (Throwable ex) {
					this.outcome.completeExceptionally(ex);
				}
				finally {
					this.interrupted.set(Thread.currentThread().isInterrupted());
				}
			}, name);
			this.thread.setDaemon(true);
		}

		Thread thread() {
			return this.thread;
		}

		/**
		 * Waits until the thread is parked, as it is when blocked waiting for a lock.
		 */
		Background<T> awaitParked() {
			eventually(this.thread.getName() + " parked", () -> PARKED.contains(this.thread.getState()));
			return this;
		}

		void interrupt() {
			this.thread.interrupt();
		}

		/**
		 * The task's outcome as a future, completed when the task ends.
		 */
		CompletableFuture<T> outcome() {
			return this.outcome;
		}

		/**
		 * Waits for the task to end and returns what it returned.
		 * @throws AssertionError if it threw or did not end within {@link #TIMEOUT}
		 */
		T join() {
			try {
				T value = this.outcome.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
				this.thread.join(TIMEOUT.toMillis());
				return value;
			}
			catch (TimeoutException ex) {
				throw new AssertionError(this.thread.getName() + " did not end within " + TIMEOUT);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted", ex);
			}
			catch (ExecutionException ex) {
				throw new AssertionError(this.thread.getName() + " failed", ex.getCause());
			}
		}

		/**
		 * Waits for the task to end and returns what it threw.
		 * @throws AssertionError if it returned or did not end within {@link #TIMEOUT}
		 */
		Throwable joinFailure() {
			try {
				T value = this.outcome.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
				throw new AssertionError(this.thread.getName() + " returned " + value + " instead of throwing");
			}
			catch (TimeoutException ex) {
				throw new AssertionError(this.thread.getName() + " did not end within " + TIMEOUT);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted", ex);
			}
			catch (ExecutionException ex) {
				try {
					this.thread.join(TIMEOUT.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
				}
				return ex.getCause();
			}
		}

		/**
		 * Whether the thread's interrupt flag was set when the task ended.
		 * @throws AssertionError if the task has not ended
		 */
		boolean endedInterrupted() {
			Boolean flag = this.interrupted.get();
			if (flag == null) {
				throw new AssertionError(this.thread.getName() + " has not ended");
			}
			return flag;
		}

	}

}
