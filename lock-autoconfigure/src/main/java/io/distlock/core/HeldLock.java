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
 * @param fencingToken the holder's fencing token; of shares and permits, the latest given out
 * @param remainingTtl how long its lease still runs unless renewed; of shares and permits, the
 * longest
 * @param mode how it is held: {@value #EXCLUSIVE}, {@value #SHARED} or {@value #PERMITS}
 * @param waiters how many processes record that they wait for it exclusively
 * @param holders how many hold it: 1 when exclusive
 * @since 1.0.0
 */
public record HeldLock(String key, @Nullable String name, @Nullable String holder, long fencingToken,
		Duration remainingTtl, String mode, int waiters, int holders) {

	/** The mode of a lock one holder has to itself. */
	public static final String EXCLUSIVE = "EXCLUSIVE";

	/** The mode of a lock held by shared holders. */
	public static final String SHARED = "SHARED";

	/** The mode of a lock held as permits: by up to as many exclusive holders as it has permits. */
	public static final String PERMITS = "PERMITS";

	/**
	 * A lock held by one holder.
	 * @param key the lock key
	 * @param name the lock's name
	 * @param holder the holding process
	 * @param fencingToken the holder's fencing token
	 * @param remainingTtl how long its lease still runs unless renewed
	 * @param mode how it is held
	 * @param waiters how many processes record that they wait for it
	 */
	public HeldLock(String key, @Nullable String name, @Nullable String holder, long fencingToken,
			Duration remainingTtl, String mode, int waiters) {
		this(key, name, holder, fencingToken, remainingTtl, mode, waiters, 1);
	}

}
