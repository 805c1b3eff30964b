package io.distlock.sample.dashboard;

/**
 * The leader of the election as last reported by a leader.
 *
 * @param instance the instance that leads
 * @param token the fencing token of its term
 * @param since when its term was first reported, in epoch milliseconds
 * @param seen when it last reported, in epoch milliseconds
 * @since 1.0.0
 */
public record LeaderStatus(String instance, long token, long since, long seen) {
}
