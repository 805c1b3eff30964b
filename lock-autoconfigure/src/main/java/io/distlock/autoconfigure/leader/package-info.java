/**
 * Auto-configuration of leader election and {@code @LeaderOnly}.
 */
@NullMarked
package io.distlock.autoconfigure.leader;

import org.jspecify.annotations.NullMarked;
