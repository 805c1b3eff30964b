package io.distlock.core;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What this process holds or waits for on one key, for monitoring.
 *
 * @param key the lock key
 * @param name the lock's meter name
 * @param held whether this process holds the lock now
 * @param fencingToken the holder's fencing token, {@code -1} when not held
 * @param heldSince when the lock was acquired, {@code null} when not held
 * @param leaseRemaining how long the current lease still runs, zero when not held
 * @param renewals how often the current holder renewed its lease
 * @param waiting requests of this process waiting for the key (the holder not counted)
 * @since 1.0.0
 */
public record LocalLockState(String key, String name, boolean held, long fencingToken, @Nullable Instant heldSince,
		Duration leaseRemaining, long renewals, int waiting) {
}
