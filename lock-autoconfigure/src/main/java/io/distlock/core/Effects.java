package io.distlock.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link KeyLane} decided must happen once its lock is released: announcements to users
 * and calls that may block, which never run while the lane is locked. Also any list of calls that
 * must all be tried even when one fails, such as the releases of a multi-key lock's keys.
 */
final class Effects {

	private final List<Runnable> pending = new ArrayList<>(4);

	void add(Runnable effect) {
		this.pending.add(effect);
	}

	/**
	 * Runs every effect in the order added; one that throws does not stop the others, and the
	 * first failure is rethrown at the end with the later ones suppressed.
	 */
	void run() {
		RuntimeException failure = null;
		for (Runnable effect : this.pending) {
			try {
				effect.run();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
