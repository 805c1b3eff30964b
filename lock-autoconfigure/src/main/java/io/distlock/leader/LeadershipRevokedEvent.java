package io.distlock.leader;

/**
 * This node stopped leading an election.
 *
 * @param name the election's name
 * @param fencingToken the ended term's fencing token
 * @param reason why
 * @since 1.0.0
 */
public record LeadershipRevokedEvent(String name, long fencingToken, RevocationReason reason) {
}
