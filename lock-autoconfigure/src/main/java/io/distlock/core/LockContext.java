package io.distlock.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * The locks that surround the code running now, innermost first. Integrations such as the
 * {@code @DistributedLock} aspect {@link #enter(LockHandle) enter} a handle around the code they
 * guard, so that code can read its fencing token or check that it still holds the lock.
 * <p>
 * The context follows the call stack: entering returns a {@link Scope} that must be closed on
 * the same thread, in reverse order, once the guarded code returns.
 *
 * @since 1.0.0
 */
public final class LockContext {

	private static final ThreadLocal<Deque<LockHandle>> HANDLES = ThreadLocal.withInitial(ArrayDeque::new);

	private LockContext() {
	}

	/**
	 * The innermost lock around the calling code.
	 * @return the handle, or empty outside any guarded code
	 */
	public static Optional<LockHandle> current() {
		return Optional.ofNullable(HANDLES.get().peek());
	}

	/**
	 * The innermost lock around the calling code with the given key.
	 * @param key the lock key
	 * @return the handle, or empty when no surrounding lock has that key
	 */
	public static Optional<LockHandle> find(String key) {
		for (LockHandle handle : HANDLES.get()) {
			if (handle.key().equals(key)) {
				return Optional.of(handle);
			}
		}
		return Optional.empty();
	}

	/**
	 * Makes {@code handle} the current lock until the returned scope is closed.
	 * @param handle the lock guarding the code about to run
	 * @return the scope to close when that code returns
	 */
	public static Scope enter(LockHandle handle) {
		Objects.requireNonNull(handle, "'handle' must not be null");
		Deque<LockHandle> handles = HANDLES.get();
		handles.push(handle);
		return new Scope(handles, handle);
	}

	/**
	 * The time during which a handle is current.
	 *
	 * @since 1.0.0
	 */
	public static final class Scope implements AutoCloseable {

		private final Deque<LockHandle> handles;

		private final LockHandle handle;

		private Scope(Deque<LockHandle> handles, LockHandle handle) {
			this.handles = handles;
			this.handle = handle;
		}

		/**
		 * Ends the scope.
		 * @throws IllegalStateException if scopes are closed out of order or on another thread
		 */
		@Override
		public void close() {
			if (this.handles != HANDLES.get() || this.handles.peek() != this.handle) {
				throw new IllegalStateException("LockContext scope for '" + this.handle.key()
						+ "' closed out of order or on another thread");
			}
			this.handles.pop();
			if (this.handles.isEmpty()) {
				HANDLES.remove();
			}
		}

	}

}
