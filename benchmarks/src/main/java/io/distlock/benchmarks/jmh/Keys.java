package io.distlock.benchmarks.jmh;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh lock keys made before measuring, so that building them is not counted against a library.
 */
final class Keys {

	private static final int COUNT = 1 << 17;

	private final String[] keys = new String[COUNT];

	private int next;

	Keys(String prefix) {
		String run = prefix + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
		for (int i = 0; i < COUNT; i++) {
			this.keys[i] = run + i;
		}
	}

	String next() {
		return this.keys[this.next++ & (COUNT - 1)];
	}

}
