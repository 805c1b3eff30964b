package io.distlock.core;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The engine's own threads, a fixed set whatever the number of locks or callers: one timer for
 * deadlines, retries and lease timers, which never blocks; a bounded pool of workers for backend
 * calls nobody waits on (attempts woken by a release, renewals, give-backs); one thread that
 * completes user-facing futures and notifies listeners, so user code never stalls the other two.
 * Created by {@link #start()}, never by the constructor.
 */
final class EngineThreads {

	private static final String TIMER = "distlock-timer";

	private final LockSettings settings;

	private volatile @Nullable Started started;

	private volatile boolean closed;

	EngineThreads(LockSettings settings) {
		this.settings = settings;
	}

	/**
	 * Creates the executors; idempotent. Their threads start on first use.
	 */
	synchronized void start() {
		if (this.started == null && !this.closed) {
			this.started = new Started(this.settings);
		}
	}

	private Started started() {
		Started current = this.started;
		if (current == null) {
			start();
			current = this.started;
			if (current == null) {
				throw new RejectedExecutionException("The lock manager is closed");
			}
		}
		return current;
	}

	/**
	 * Whether the calling thread is one of the engine's, which must not run user code or block.
	 */
	static boolean onEngineThread() {
		return Thread.currentThread() instanceof EngineThread;
	}

	/**
	 * Whether the calling thread is the timer, which must never block.
	 */
	static boolean onTimerThread() {
		return Thread.currentThread() instanceof EngineThread thread && thread.timer;
	}

	ScheduledThreadPoolExecutor timer() {
		return started().timer;
	}

	/**
	 * Runs backend work in the background.
	 * @throws RejectedExecutionException when the queue of pending work is full or the engine closed
	 */
	void work(Runnable task) {
		started().workers.execute(task);
	}

	/**
	 * Runs {@code notification} (user callbacks, listeners) at once on a caller's thread, or on
	 * the notifier when called from an engine thread. A full notifier queue runs it where it is,
	 * so nothing is ever dropped.
	 */
	void notify(Runnable notification) {
		Started current = this.started;
		if (current == null || !onEngineThread()) {
			notification.run();
			return;
		}
		try {
			current.notifier.execute(notification);
		}
		catch (RejectedExecutionException ex) {
			notification.run();
		}
	}

	/**
	 * Stops the timer at once, lets workers finish queued backend work for a bounded time, then
	 * lets the notifier drain.
	 */
	void close() {
		Started current;
		synchronized (this) {
			this.closed = true;
			current = this.started;
		}
		if (current == null) {
			return;
		}
		current.timer.shutdownNow();
		current.workers.shutdown();
		current.notifier.shutdown();
		try {
			if (!current.workers.awaitTermination(5, TimeUnit.SECONDS)) {
				current.workers.shutdownNow();
			}
			current.notifier.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The executors, once started.
	 */
	private static final class Started {

		final ScheduledThreadPoolExecutor timer;

		final ThreadPoolExecutor workers;

		final ThreadPoolExecutor notifier;

		Started(LockSettings settings) {
			this.timer = new ScheduledThreadPoolExecutor(1, threads(TIMER),
					new ThreadPoolExecutor.DiscardPolicy());
			this.timer.setRemoveOnCancelPolicy(true);
			this.workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 60, TimeUnit.SECONDS,
					new ArrayBlockingQueue<>(settings.workQueueCapacity()), threads("distlock-worker"));
			this.workers.allowCoreThreadTimeOut(true);
			this.notifier = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS,
					new ArrayBlockingQueue<>(settings.workQueueCapacity()), threads("distlock-notifier"));
			this.notifier.allowCoreThreadTimeOut(true);
		}

	}

	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		boolean timer = prefix.equals(TIMER);
		return (task) -> new EngineThread(task, prefix + "-" + count.incrementAndGet(), timer);
	}

	/**
	 * A thread of the engine, known by its type.
	 */
	private static final class EngineThread extends Thread {

		final boolean timer;

		EngineThread(Runnable task, String name, boolean timer) {
			super(task, name);
			this.timer = timer;
			setDaemon(true);
		}

	}

}
