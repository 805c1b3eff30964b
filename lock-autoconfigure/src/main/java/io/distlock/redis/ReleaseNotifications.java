package io.distlock.redis;

import io.distlock.core.spi.ReleaseWatch;

/**
 * Delivers the release messages the lock scripts publish on a lock's channel to this process's
 * waiters, over subscriptions it keeps alive across reconnects and failovers.
 */
interface ReleaseNotifications extends AutoCloseable {

	/**
	 * Watches a channel; see {@link io.distlock.core.spi.LockBackend#watch}.
	 * @param channel the channel, named like the lock's key
	 * @param onRelease what to run on each release and after each re-subscription
	 * @return the watch
	 */
	ReleaseWatch watch(String channel, Runnable onRelease);

	/**
	 * Starts the threads that keep the subscriptions; idempotent. Those created on demand need no start.
	 */
	default void start() {
	}

	@Override
	void close();

}
