package io.distlock.leader;

/**
 * Why a node stopped leading.
 *
 * @since 1.0.0
 */
public enum RevocationReason {

	/** The node stopped the election, yielding leadership at once. */
	YIELDED,

	/** The lease was lost: renewal was refused, or the lease ran out before it was renewed. */
	LEASE_LOST,

	/** Renewal failed because the backend could not be reached until the lease ran out. */
	BACKEND_FAILURE

}
