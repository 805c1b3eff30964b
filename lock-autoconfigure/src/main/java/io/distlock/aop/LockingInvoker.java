package io.distlock.aop;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import io.distlock.core.LockContext;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockNotAcquiredException;

/**
 * Runs a call under its lock, taken before the method runs: proceeds at once when a surrounding
 * call of the same call stack holds the same key as a kind that covers the call's (see
 * {@link Reentry}), fails at once when it holds it as one that does not, else acquires,
 * blocking, makes the handle {@link LockContext#current() current} while the method runs, and
 * releases it, keeping it for what remains of {@code lockAtLeastFor}, once the method's work is
 * done: when it returns or throws, or, for a {@code CompletionStage}, when the returned stage
 * completes.
 */
final class LockingInvoker {

	private final LockManager lockManager;

	private final Executor stageReleases;

	/**
	 * Creates an invoker.
	 * @param lockManager the manager that takes the locks
	 * @param stageReleases runs the release of a lock held for a stage, on the thread that
	 * completed the stage unless that thread must not block
	 */
	LockingInvoker(LockManager lockManager, Executor stageReleases) {
		this.lockManager = lockManager;
		this.stageReleases = stageReleases;
	}

	@Nullable Object invoke(LockCall call, Invocation invocation) throws Throwable {
		if (Reentry.heldAround(LockContext.find(call.request().key()).orElse(null), call.request()) != null) {
			return invocation.proceed();
		}
		LockHandle handle;
		try {
			handle = call.acquire(this.lockManager);
		}
		catch (LockNotAcquiredException ex) {
			if (!call.definition().skips(ex)) {
				throw ex;
			}
			return call.definition().skipResult();
		}
		HeldLock lock = HeldLock.acquired(handle, call);
		Object result;
		try (LockContext.Scope scope = LockContext.enter(handle)) {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			try {
				lock.release();
			}
			catch (RuntimeException releaseFailure) {
				ex.addSuppressed(releaseFailure);
			}
			throw ex;
		}
		if (call.definition().completion() == Completion.STAGE && result instanceof CompletionStage<?> stage) {
			return LockReleasingFuture.releaseAfter(stage, lock, this.stageReleases);
		}
		lock.release();
		return result;
	}

	/**
	 * The guarded method call.
	 */
	@FunctionalInterface
	interface Invocation {

		@Nullable Object proceed() throws Throwable;

	}

}
