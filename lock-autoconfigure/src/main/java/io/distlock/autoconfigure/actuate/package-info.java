/**
 * Auto-configuration of the {@code locks} actuator endpoint and the {@code distlock} health
 * indicator.
 */
@NullMarked
package io.distlock.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
