package io.distlock.benchmarks.jmh;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.distlock.core.LockHandle;
import io.distlock.core.LockLostException;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;

/**
 * A lock manager that grants every request at once without locking anything, so that what the
 * annotation path costs on top of the programmatic one can be measured without Redis noise.
 */
final class InMemoryLockManager implements LockManager {

	private static final LockResult ACQUIRED = new LockResult(LockStatus.ACQUIRED, 1, Duration.ZERO, null);

	@Override
	public LockHandle lock(String key, Duration ttl) {
		return new Granted(key);
	}

	@Override
	public LockHandle lock(LockRequest request) {
		return new Granted(request.key());
	}

	@Override
	public LockHandle acquire(LockRequest request) {
		return new Granted(request.key());
	}

	@Override
	public void close() {
	}

	private record Granted(String key) implements LockHandle {

		@Override
		public LockResult await() {
			return ACQUIRED;
		}

		@Override
		public CompletableFuture<LockResult> result() {
			return CompletableFuture.completedFuture(ACQUIRED);
		}

		@Override
		public CompletableFuture<LockLostException> leaseLost() {
			return new CompletableFuture<>();
		}

		@Override
		public boolean isHeld() {
			return true;
		}

		@Override
		public void assertHeld() {
		}

		@Override
		public long fencingToken() {
			return 1;
		}

		@Override
		public void unlock() {
		}

		@Override
		public void unlockAfter(Duration delay) {
		}

		@Override
		public void cancel() {
		}

		@Override
		public void close() {
		}

	}

}
