package io.distlock.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * What the caller of a {@code @DistributedLock} method returning a {@code CompletionStage} gets:
 * it completes like the method's stage, but only once the lock has been released, so a caller
 * that sees it complete can take the lock again at once. Cancelling it cancels the method's stage
 * when that is a {@link Future}, which releases the lock; otherwise the lock is held until that
 * stage completes.
 *
 * @param <T> the value type
 */
final class LockReleasingFuture<T> extends CompletableFuture<T> {

	private final CompletionStage<T> work;

	private LockReleasingFuture(CompletionStage<T> work) {
		this.work = work;
	}

	/**
	 * Releases {@code lock} when {@code work} completes.
	 * @param releases runs the blocking release, given the thread that completed the work
	 * @return the future that completes after the release
	 */
	static <T> CompletableFuture<T> releaseAfter(CompletionStage<T> work, HeldLock lock, Executor releases) {
		LockReleasingFuture<T> future = new LockReleasingFuture<>(work);
		work.whenComplete((value, failure) -> {
			Runnable release = () -> future.release(lock, value, failure);
			try {
				releases.execute(release);
			}
			catch (RejectedExecutionException ex) {
				// Better a blocked thread than a lock that is never released and a future that never completes.
				release.run();
			}
		});
		return future;
	}

	private void release(HeldLock lock, @Nullable T value, @Nullable Throwable failure) {
		try {
			lock.release();
		}
		catch (RuntimeException releaseFailure) {
			if (failure == null) {
				completeExceptionally(releaseFailure);
				return;
			}
			failure.addSuppressed(releaseFailure);
		}
		if (failure != null) {
			completeExceptionally(failure);
		}
		else {
			complete(value);
		}
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		// Cancelled first, the work completes this future only after releasing the lock.
		if (this.work instanceof Future<?> future) {
			future.cancel(mayInterruptIfRunning);
		}
		return super.cancel(mayInterruptIfRunning) || isCancelled();
	}

}
