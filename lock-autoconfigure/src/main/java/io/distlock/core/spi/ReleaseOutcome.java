package io.distlock.core.spi;

/**
 * The answer to a release.
 *
 * @param kind what happened
 * @param handOffToken the next owner's fencing token when {@link Kind#HANDED_OFF}, else {@code -1}
 * @since 1.0.0
 */
public record ReleaseOutcome(Kind kind, long handOffToken) {

	/** Released, not handed off. */
	public static final ReleaseOutcome RELEASED = new ReleaseOutcome(Kind.RELEASED, -1);

	/** The owner no longer held the lock; nothing changed. */
	public static final ReleaseOutcome NOT_OWNER = new ReleaseOutcome(Kind.NOT_OWNER, -1);

	/**
	 * Handed off to the next local waiter.
	 * @param fencingToken the new owner's fencing token
	 * @return the outcome
	 */
	public static ReleaseOutcome handedOff(long fencingToken) {
		if (fencingToken <= 0) {
			throw new IllegalArgumentException("Fencing token must be positive, got " + fencingToken);
		}
		return new ReleaseOutcome(Kind.HANDED_OFF, fencingToken);
	}

	/**
	 * What a release did.
	 *
	 * @since 1.0.0
	 */
	public enum Kind {

		/** The lock is free (or reserved for another process's waiter). */
		RELEASED,

		/** The lock now belongs to the hand-off's owner. */
		HANDED_OFF,

		/** The releasing owner did not hold the lock. */
		NOT_OWNER

	}

}
