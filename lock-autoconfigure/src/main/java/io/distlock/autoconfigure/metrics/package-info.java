/**
 * Auto-configuration of the lock meters.
 */
@NullMarked
package io.distlock.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
