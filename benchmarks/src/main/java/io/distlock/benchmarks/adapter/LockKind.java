package io.distlock.benchmarks.adapter;

import java.util.Objects;

import io.distlock.core.LockMode;

/**
 * How the lock-kind scenarios take a key: as one of any number of readers, as its only holder
 * beside readers (a writer), or as one of a few holders at once (a permit).
 *
 * @param mode shared for a reader, exclusive for a writer or a permit
 * @param permits how many exclusive holders the key admits at once: 1 for a writer (and a reader)
 * @since 1.1.0
 */
public record LockKind(LockMode mode, int permits) {

	/** A reader: any number at once, never beside a writer. */
	public static final LockKind SHARED = new LockKind(LockMode.SHARED, 1);

	/** A writer: alone, no reader beside it. */
	public static final LockKind EXCLUSIVE = new LockKind(LockMode.EXCLUSIVE, 1);

	public LockKind {
		Objects.requireNonNull(mode, "'mode' must not be null");
		if (permits < 1 || (mode == LockMode.SHARED && permits != 1)) {
			throw new IllegalArgumentException("A " + mode + " lock kind cannot have " + permits + " permits");
		}
	}

	/**
	 * One of {@code permits} exclusive holders at once.
	 * @param permits at least 2
	 * @return the kind
	 */
	public static LockKind permits(int permits) {
		if (permits < 2) {
			throw new IllegalArgumentException("Permits are at least 2, got " + permits + "; 1 is EXCLUSIVE");
		}
		return new LockKind(LockMode.EXCLUSIVE, permits);
	}

	/**
	 * Whether any number may hold the key at once.
	 * @return {@code true} for a reader
	 */
	public boolean shared() {
		return this.mode == LockMode.SHARED;
	}

}
