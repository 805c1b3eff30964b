package io.distlock.aop;

import org.jspecify.annotations.Nullable;

import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;

/**
 * Decides whether a call runs inside a lock of its key that its own call chain already holds,
 * instead of taking the lock again. A held mutex covers every kind, and a held lock covers a
 * request of the same kind; any other pair fails at once, since the call would wait for a hold
 * of its own chain: an exclusive request within a shared hold (an upgrade), or a request within
 * one of several permits, which other holders may share.
 */
final class Reentry {

	private Reentry() {
	}

	/**
	 * The lock a call runs inside, if its call chain holds one of its key.
	 * @param around the innermost lock around the call, or {@code null} outside any
	 * @param request the call's request
	 * @return {@code around} when it is held, has the request's key and covers it; {@code null}
	 * when the call takes its own lock
	 * @throws LockException when {@code around} holds the key as a kind that does not cover the
	 * request
	 */
	static @Nullable LockHandle heldAround(@Nullable LockHandle around, LockRequest request) {
		if (around == null || !around.key().equals(request.key()) || !around.isHeld()) {
			return null;
		}
		boolean mutex = around.mode() == LockMode.EXCLUSIVE && around.permits() == 1;
		if (mutex || (around.mode() == request.mode() && around.permits() == request.permits())) {
			return around;
		}
		String held = "Lock '" + request.key() + "' is held " + kindOf(around.mode(), around.permits())
				+ " around this call, which asks for it " + kindOf(request.mode(), request.permits()) + ": ";
		if (around.mode() == LockMode.SHARED) {
			throw new LockException(held + "an upgrade from shared to exclusive would deadlock, waiting for the "
					+ "shared hold of its own call chain; take it EXCLUSIVE in the outer call");
		}
		throw new LockException(held + "one of " + around.permits() + " permits does not cover it, and taking it "
				+ "would wait for the permit of its own call chain; ask for the same kind in both calls, or take a "
				+ "mutex in the outer one");
	}

	private static String kindOf(LockMode mode, int permits) {
		return (permits == 1) ? mode.name() : mode.name() + " with " + permits + " permits";
	}

}
