package io.distlock.benchmarks.harness;

import java.util.concurrent.atomic.LongAdder;

/**
 * The independent witness of mutual exclusion: every critical section enters and leaves a slot
 * (one per lock key) of memory the lock libraries never see, and an entry that finds the slot
 * occupied is a violation. Works across JVMs when the memory is a mapped file.
 */
final class Occupancy {

	private final SharedMemory memory;

	private final int firstSlot;

	private final LongAdder violations = new LongAdder();

	Occupancy(SharedMemory memory, int firstSlot) {
		this.memory = memory;
		this.firstSlot = firstSlot;
	}

	void enter(int slot) {
		if (this.memory.getAndAdd(this.firstSlot + slot, 1) != 0) {
			this.violations.increment();
		}
	}

	void exit(int slot) {
		this.memory.getAndAdd(this.firstSlot + slot, -1);
	}

	long violations() {
		return this.violations.sum();
	}

}
