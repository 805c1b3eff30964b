package io.distlock.leader;

/**
 * This node became the leader of an election.
 *
 * @param name the election's name
 * @param fencingToken the new term's fencing token
 * @since 1.0.0
 */
public record LeadershipGrantedEvent(String name, long fencingToken) {
}
