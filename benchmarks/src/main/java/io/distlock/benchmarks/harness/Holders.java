package io.distlock.benchmarks.harness;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.distlock.benchmarks.adapter.LockKind;

/**
 * The witness of the lock-kind scenarios, for one key and beside the libraries as
 * {@link Occupancy} is: counts the readers and the exclusive holders inside the critical section
 * apart. A reader that finds an exclusive holder inside, or an exclusive holder that finds a
 * reader or more exclusive holders than the key's permits, is a violation. Also keeps the most
 * holders it saw inside at once.
 */
final class Holders {

	private final AtomicInteger readers = new AtomicInteger();

	private final AtomicInteger exclusive = new AtomicInteger();

	private final AtomicInteger most = new AtomicInteger();

	private final LongAdder violations = new LongAdder();

	void enter(LockKind kind) {
		int inside;
		boolean overlapped;
		// Each side counts itself in before it looks at the other (all volatile), so of a reader
		// and a writer that overlap at least one sees the other.
		if (kind.shared()) {
			inside = this.readers.incrementAndGet();
			overlapped = this.exclusive.get() != 0;
		}
		else {
			inside = this.exclusive.incrementAndGet();
			overlapped = inside > kind.permits() || this.readers.get() != 0;
		}
		if (overlapped) {
			this.violations.increment();
		}
		if (inside > this.most.get()) {
			this.most.accumulateAndGet(inside, Math::max);
		}
	}

	void exit(LockKind kind) {
		(kind.shared() ? this.readers : this.exclusive).decrementAndGet();
	}

	long violations() {
		return this.violations.sum();
	}

	/**
	 * The most readers, or the most exclusive holders, seen inside at once.
	 */
	int most() {
		return this.most.get();
	}

}
