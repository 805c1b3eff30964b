/**
 * Micrometer meters and observations for locks: acquisition time by outcome and contention,
 * waiting and held locks now, hold time and lost leases, tagged by lock name only.
 */
@NullMarked
package io.distlock.metrics;

import org.jspecify.annotations.NullMarked;
