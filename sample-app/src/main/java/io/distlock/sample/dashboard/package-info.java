/**
 * The page at {@code /} and what feeds it: lock acquisitions and releases of every instance
 * recorded in Redis, and the leader of the election.
 */
@NullMarked
package io.distlock.sample.dashboard;

import org.jspecify.annotations.NullMarked;
