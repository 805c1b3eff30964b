package io.distlock.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A backend's public {@link LockManager} type over the backend-neutral {@link QueuedLockManager}
 * that does the work.
 *
 * @since 1.0.0
 */
public abstract class ForwardingLockManager implements LockManager, LockIntrospector {

	private final QueuedLockManager delegate;

	/**
	 * Creates a manager forwarding to {@code delegate}.
	 * @param delegate the manager that does the work
	 */
	protected ForwardingLockManager(QueuedLockManager delegate) {
		this.delegate = Objects.requireNonNull(delegate, "'delegate' must not be null");
	}

	@Override
	public LockHandle lock(String key, Duration ttl) {
		return this.delegate.lock(key, ttl);
	}

	@Override
	public LockHandle lock(LockRequest request) {
		return this.delegate.lock(request);
	}

	@Override
	public LockHandle lockAll(Collection<String> keys, LockRequest each) {
		return this.delegate.lockAll(keys, each);
	}

	@Override
	public LockHandle acquire(LockRequest request) {
		return this.delegate.acquire(request);
	}

	@Override
	public List<LocalLockState> localLocks() {
		return this.delegate.localLocks();
	}

	@Override
	public HeldLocksPage backendLocks(@Nullable String cursor, int limit) {
		return this.delegate.backendLocks(cursor, limit);
	}

	@Override
	public @Nullable HeldLock forceRelease(String key) {
		return this.delegate.forceRelease(key);
	}

	@Override
	public void checkBackend() {
		this.delegate.checkBackend();
	}

	/**
	 * The number of keys this process has lock requests for now; zero once all are released.
	 * @return the number of keys with local state
	 */
	public int activeKeys() {
		return this.delegate.activeKeys();
	}

	@Override
	public void close() {
		this.delegate.close();
	}

}
