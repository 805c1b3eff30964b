package io.distlock.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads distlock runs in this JVM, known by their {@code distlock-} names, sampled every
 * 20 milliseconds while a test loads the engine so that a burst between two looks is seen too.
 */
public final class LibraryThreads implements AutoCloseable {

	private static final String PREFIX = "distlock-";

	private static final long SAMPLE_MILLIS = 20;

	/**
	 * The most one manager may run: the timer, the workers and the notifier of the engine, plus
	 * its release subscriber ({@code subscriberThreads}: one for classic pub/sub, a router and
	 * one per primary for sharded pub/sub on a cluster).
	 */
	public static int perManager(int subscriberThreads) {
		return 1 + LockSettings.DEFAULTS.workerThreads() + 1 + subscriberThreads;
	}

	private final AtomicInteger peak = new AtomicInteger(live());

	private final AtomicBoolean sampling = new AtomicBoolean(true);

	private final Thread sampler;

	private LibraryThreads() {
		this.sampler = new Thread(this::sampleUntilClosed, "library-thread-sampler");
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	/**
	 * Starts sampling.
	 * @return the sampler; close it to stop
	 */
	public static LibraryThreads sample() {
		return new LibraryThreads();
	}

	/** The live threads named {@code distlock-*} now. */
	public static int live() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		int count = 0;
		for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
			if (thread != null && thread.getThreadName().startsWith(PREFIX)) {
				count++;
			}
		}
		return count;
	}

	/** The most seen at once since sampling began. */
	public int peak() {
		this.peak.accumulateAndGet(live(), Math::max);
		return this.peak.get();
	}

	private void sampleUntilClosed() {
		while (this.sampling.get()) {
			this.peak.accumulateAndGet(live(), Math::max);
			try {
				Thread.sleep(SAMPLE_MILLIS);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	@Override
	public void close() {
		this.sampling.set(false);
		this.sampler.interrupt();
	}

}
