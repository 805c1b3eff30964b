package io.distlock.core;

/**
 * How a lock is held: by one holder alone, or by any number of holders at once.
 *
 * @since 1.1.0
 */
public enum LockMode {

	/**
	 * One holder at a time (with {@code permits = N}: at most N), and no {@link #SHARED} holder
	 * beside it. The default.
	 */
	EXCLUSIVE,

	/**
	 * Any number of shared holders at once, and no {@link #EXCLUSIVE} holder beside them. An
	 * exclusive request that waits stops new shared grants, so a stream of shared holders cannot
	 * starve it.
	 */
	SHARED;

	/**
	 * The meter tag value of this mode: {@code exclusive} or {@code shared}.
	 * @return the tag value
	 */
	public String tagValue() {
		return (this == SHARED) ? "shared" : "exclusive";
	}

}
