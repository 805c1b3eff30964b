package io.distlock.redis;

import java.util.Objects;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.distlock.core.ForwardingLockManager;
import io.distlock.core.LockListener;
import io.distlock.core.LockManager;
import io.distlock.core.LockSettings;
import io.distlock.core.QueuedLockManager;

/**
 * The {@link LockManager} on Redis, through Spring Data Redis: one script call to acquire and one
 * to release, fencing tokens without extra keys, leases renewed on a shared scheduler, local FIFO
 * queues with one Redis contender per key and process, and waiters woken by pub/sub.
 *
 * @since 1.0.0
 */
public final class RedisLockManager extends ForwardingLockManager {

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
		super(new QueuedLockManager(new RedisLockBackend(Objects.requireNonNull(connectionFactory,
				"'connectionFactory' must not be null"), Objects.requireNonNull(options, "'options' must not be null")),
				settings, listener));
	}

}
