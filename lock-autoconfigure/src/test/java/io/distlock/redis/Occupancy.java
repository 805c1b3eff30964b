package io.distlock.redis;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.distlock.core.LockHandle;
import io.distlock.core.LockMode;

/**
 * Who is inside the critical sections of each key, by kind, counted apart from the locks: a
 * section is entered once its lock is granted and left before the lock is released, so a grant
 * the kinds forbid shows as an entry beside a section it excludes. Thread-safe.
 */
final class Occupancy {

	private final Map<String, Counts> keys = new ConcurrentHashMap<>();

	private final Queue<String> violations = new ConcurrentLinkedQueue<>();

	/**
	 * Enters a section of the lock {@code handle} holds, recording a violation when a section of
	 * another kind is inside, or more sections of its kind than the kind admits.
	 * @param handle a granted handle
	 * @return the section, to close before the lock is released
	 */
	Section enter(LockHandle handle) {
		Kind kind = Kind.of(handle);
		Counts counts = this.keys.computeIfAbsent(handle.key(), (key) -> new Counts());
		synchronized (counts) {
			int inside = ++counts.inside[kind.ordinal()];
			counts.most[kind.ordinal()] = Math.max(counts.most[kind.ordinal()], inside);
			for (Kind other : Kind.values()) {
				if (other != kind && counts.inside[other.ordinal()] > 0) {
					this.violations.add(kind + " of '" + handle.key() + "' granted beside " + other);
				}
			}
			if (inside > kind.admits(handle)) {
				this.violations.add(inside + " sections of " + kind + " of '" + handle.key() + "' at once");
			}
		}
		return () -> {
			synchronized (counts) {
				counts.inside[kind.ordinal()]--;
			}
		};
	}

	/**
	 * The most sections of one kind a key had at once.
	 * @param key the lock key
	 * @param kind the kind
	 * @return the most, 0 if none
	 */
	int most(String key, Kind kind) {
		Counts counts = this.keys.get(key);
		if (counts == null) {
			return 0;
		}
		synchronized (counts) {
			return counts.most[kind.ordinal()];
		}
	}

	/**
	 * Every grant seen beside a section it excludes.
	 * @return the violations, described
	 */
	List<String> violations() {
		return List.copyOf(this.violations);
	}

	/**
	 * The kinds of lock, as the sections of a key count them.
	 */
	enum Kind {

		/** {@link LockMode#SHARED}: any number at once. */
		SHARED,

		/** Exclusive with permits above 1: as many at once as the permits. */
		PERMIT,

		/** Exclusive with one permit: alone. */
		MUTEX;

		static Kind of(LockHandle handle) {
			if (handle.mode() == LockMode.SHARED) {
				return SHARED;
			}
			return (handle.permits() > 1) ? PERMIT : MUTEX;
		}

		int admits(LockHandle handle) {
			return (this == SHARED) ? Integer.MAX_VALUE : handle.permits();
		}

	}

	/**
	 * One section, inside until closed.
	 */
	interface Section extends AutoCloseable {

		@Override
		void close();

	}

	private static final class Counts {

		final int[] inside = new int[Kind.values().length];

		final int[] most = new int[Kind.values().length];

	}

}
