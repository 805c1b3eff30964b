package io.distlock.core.spi;

/**
 * The answer to one renewal in a batch.
 *
 * @since 1.0.0
 */
public enum RenewalOutcome {

	/** The lease runs its full ttl again from when the renewal was sent. */
	RENEWED,

	/** The owner no longer holds the lock: its lease is lost. */
	REFUSED,

	/**
	 * The backend renewed the lease but too few replicas acknowledged it, so a failover could
	 * undo it: the holder keeps counting from its last acknowledged lease and tries again.
	 */
	UNACKNOWLEDGED,

	/**
	 * An operator released the lock by force ({@link LockBackend#forceRelease}) while the owner
	 * held it: its lease is lost.
	 */
	EVICTED

}
