package io.distlock.leader;

/**
 * Told when this node's leadership starts and ends. Called on distlock threads; must not block.
 * Revocation is reported before the lease is released, so no new leader can start before this
 * node has been told.
 *
 * @since 1.0.0
 */
public interface LeadershipListener {

	/**
	 * This node leads now.
	 * @param event the term that started
	 */
	void granted(LeadershipGrantedEvent event);

	/**
	 * This node no longer leads.
	 * @param event the term that ended and why
	 */
	void revoked(LeadershipRevokedEvent event);

}
