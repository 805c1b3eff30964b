package io.distlock.crossprocess;

import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;

/**
 * The kind of lock a worker JVM takes, passed as one argument {@code <mode>:<permits>}, such as
 * {@code SHARED:1} or {@code EXCLUSIVE:3}.
 *
 * @param mode exclusive or shared
 * @param permits how many exclusive holders the key may have at once; 1 for a mutex and shared
 */
public record LockKind(LockMode mode, int permits) {

	/** One holder at a time. */
	public static final LockKind MUTEX = new LockKind(LockMode.EXCLUSIVE, 1);

	/** Any number of shared holders. */
	public static final LockKind SHARED = new LockKind(LockMode.SHARED, 1);

	/**
	 * Exclusive with {@code permits} holders at once.
	 * @param permits how many
	 * @return the kind
	 */
	public static LockKind permits(int permits) {
		return new LockKind(LockMode.EXCLUSIVE, permits);
	}

	/**
	 * Reads a kind from its {@link #spec()}.
	 * @param spec such as {@code SHARED:1}
	 * @return the kind
	 */
	public static LockKind parse(String spec) {
		String[] parts = spec.split(":", 2);
		return new LockKind(LockMode.valueOf(parts[0]), Integer.parseInt(parts[1]));
	}

	/**
	 * This kind as one argument.
	 * @return {@code <mode>:<permits>}
	 */
	public String spec() {
		return this.mode.name() + ":" + this.permits;
	}

	/**
	 * {@code request} as this kind.
	 * @param request what to lock and for how long
	 * @return a request of this mode and permits
	 */
	public LockRequest of(LockRequest request) {
		return request.withMode(this.mode).withPermits(this.permits);
	}

	/**
	 * Whether one holder has the key to itself.
	 * @return {@code true} for {@link #MUTEX}
	 */
	public boolean isMutex() {
		return equals(MUTEX);
	}

}
