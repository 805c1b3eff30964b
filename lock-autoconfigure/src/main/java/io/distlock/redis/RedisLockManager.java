package io.distlock.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.distlock.core.LocalLockState;
import io.distlock.core.LockHandle;
import io.distlock.core.LockIntrospector;
import io.distlock.core.LockListener;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.core.LockSettings;
import io.distlock.core.QueuedLockManager;

/**
 * The {@link LockManager} on Redis, through Spring Data Redis: one script call to acquire and one
 * to release, fencing tokens without extra keys, leases renewed on a shared scheduler, local FIFO
 * queues with one Redis contender per key and process, and waiters woken by pub/sub.
 *
 * @since 1.0.0
 */
public final class RedisLockManager implements LockManager, LockIntrospector {

	private final QueuedLockManager delegate;

	/**
	 * Creates a manager with default options and settings and no listener.
	 * @param connectionFactory the Redis connections to use
	 */
	public RedisLockManager(RedisConnectionFactory connectionFactory) {
		this(connectionFactory, RedisLockOptions.DEFAULTS, LockSettings.DEFAULTS, LockListener.NO_OP);
	}

	/**
	 * Creates a manager.
	 * @param connectionFactory the Redis connections to use
	 * @param options the Redis key layout and hand-over
	 * @param settings how to wait
	 * @param listener what observes requests
	 */
	public RedisLockManager(RedisConnectionFactory connectionFactory, RedisLockOptions options, LockSettings settings,
			LockListener listener) {
		Objects.requireNonNull(connectionFactory, "'connectionFactory' must not be null");
		Objects.requireNonNull(options, "'options' must not be null");
		this.delegate = new QueuedLockManager(new RedisLockBackend(connectionFactory, options), settings, listener);
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
	public LockHandle acquire(LockRequest request) {
		return this.delegate.acquire(request);
	}

	@Override
	public List<LocalLockState> localLocks() {
		return this.delegate.localLocks();
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
