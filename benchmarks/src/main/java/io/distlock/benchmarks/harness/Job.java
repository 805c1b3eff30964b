package io.distlock.benchmarks.harness;

import io.distlock.benchmarks.adapter.Library;

/**
 * What the coordinator asks a worker JVM to do, sent as one line over the control Redis.
 *
 * @param kind what to do
 * @param library which library to use
 * @param key the lock key
 * @param count threads ({@link Kind#CONTEND}) or iterations ({@link Kind#HOLD}, {@link Kind#WAKE})
 * @param startAt when to start, in {@link System#nanoTime()} of this machine
 * @param endAt when to stop ({@link Kind#CONTEND})
 * @param holdNanos how long the holder keeps the lock once the waiter waits ({@link Kind#HOLD})
 */
record Job(Kind kind, Library library, String key, int count, long startAt, long endAt, long holdNanos) {

	static final Job QUIT = new Job(Kind.QUIT, Library.FLOOR, "-", 0, 0, 0, 0);

	enum Kind {

		/** Contend for one key from {@code count} threads until {@code endAt}. */
		CONTEND,

		/** The holder's side of the wake-up hand-shake. */
		HOLD,

		/** The waiter's side of the wake-up hand-shake, timing each wake-up. */
		WAKE,

		/** Close the libraries and exit. */
		QUIT

	}

	static Job contend(Library library, String key, int threads, long startAt, long endAt) {
		return new Job(Kind.CONTEND, library, key, threads, startAt, endAt, 0);
	}

	static Job hold(Library library, String key, int iterations, long holdNanos) {
		return new Job(Kind.HOLD, library, key, iterations, 0, 0, holdNanos);
	}

	static Job wake(Library library, String key, int iterations) {
		return new Job(Kind.WAKE, library, key, iterations, 0, 0, 0);
	}

	String encode() {
		return String.join(" ", this.kind.name(), this.library.name(), this.key, Integer.toString(this.count),
				Long.toString(this.startAt), Long.toString(this.endAt), Long.toString(this.holdNanos));
	}

	static Job decode(String line) {
		String[] parts = line.split(" ");
		return new Job(Kind.valueOf(parts[0]), Library.valueOf(parts[1]), parts[2], Integer.parseInt(parts[3]),
				Long.parseLong(parts[4]), Long.parseLong(parts[5]), Long.parseLong(parts[6]));
	}

}
