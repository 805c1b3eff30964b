package io.distlock.aop;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distlock.annotation.OnLockFailure;
import io.distlock.core.LockContext;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockNotAcquiredException;

/**
 * Runs a call under its lock: proceeds at once when a surrounding call of the same call stack
 * holds the same key, else acquires, makes the handle {@link LockContext#current() current}
 * while the method runs, and releases it afterwards, keeping it for what remains of
 * {@code lockAtLeastFor}.
 */
final class LockingInvoker {

	private static final Logger logger = LoggerFactory.getLogger(LockingInvoker.class);

	private final LockManager lockManager;

	LockingInvoker(LockManager lockManager) {
		this.lockManager = lockManager;
	}

	@Nullable Object invoke(LockCall call, Invocation invocation) throws Throwable {
		if (LockContext.find(call.request().key()).filter(LockHandle::isHeld).isPresent()) {
			return invocation.proceed();
		}
		LockHandle handle;
		try {
			handle = this.lockManager.acquire(call.request());
		}
		catch (LockNotAcquiredException ex) {
			LockDefinition definition = call.definition();
			if (definition.onFailure() != OnLockFailure.SKIP) {
				throw ex;
			}
			logger.debug("Skipped {}: {}", definition.description(), ex.getMessage());
			return definition.skipResult();
		}
		long acquiredAt = System.nanoTime();
		Object result;
		try (LockContext.Scope scope = LockContext.enter(handle)) {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			try {
				release(handle, call, acquiredAt);
			}
			catch (RuntimeException releaseFailure) {
				ex.addSuppressed(releaseFailure);
			}
			throw ex;
		}
		release(handle, call, acquiredAt);
		return result;
	}

	private static void release(LockHandle handle, LockCall call, long acquiredAt) {
		// Once lockAtLeastFor has passed, the remainder is zero or negative, which unlocks at once.
		handle.unlockAfter(call.lockAtLeastFor().minusNanos(System.nanoTime() - acquiredAt));
	}

	/**
	 * The guarded method call.
	 */
	@FunctionalInterface
	interface Invocation {

		@Nullable Object proceed() throws Throwable;

	}

}
