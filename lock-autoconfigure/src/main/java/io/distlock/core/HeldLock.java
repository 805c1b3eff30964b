package io.distlock.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One lock held in the backend, as any process sees it there.
 *
 * @param key the lock key, without the backend's prefix
 * @param name the lock's name (its meter name), {@code null} when its holder did not record one
 * @param holder the holding process: {@code spring.application.name@host (pid N)}, or
 * {@code null} when its holder did not record one
 * @param fencingToken the holder's fencing token
 * @param remainingTtl how long its lease still runs unless renewed
 * @param mode how it is held: {@code EXCLUSIVE}
 * @param waiters how many processes record that they wait for it
 * @since 1.0.0
 */
public record HeldLock(String key, @Nullable String name, @Nullable String holder, long fencingToken,
		Duration remainingTtl, String mode, int waiters) {

	/** The mode of a lock one holder has to itself. */
	public static final String EXCLUSIVE = "EXCLUSIVE";

}
