/**
 * Actuator views of locks: the {@code locks} endpoint and the {@code distlock} health
 * indicator.
 */
@NullMarked
package io.distlock.actuate;

import org.jspecify.annotations.NullMarked;
