package io.distlock.core.spi;

import java.util.concurrent.CompletableFuture;

/**
 * A subscription to release notifications for one key.
 *
 * @since 1.0.0
 */
public interface ReleaseWatch extends AutoCloseable {

	/**
	 * Completes once notifications are guaranteed to arrive; a release before that may be missed,
	 * so the watcher attempts again when it completes.
	 * @return the future
	 */
	CompletableFuture<Void> ready();

	/**
	 * Stops watching. Idempotent.
	 */
	@Override
	void close();

}
