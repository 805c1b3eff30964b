/**
 * The service-provider interface a lock backend implements so that the backend-neutral waiting
 * machinery in {@code io.distlock.core} can drive it.
 */
@NullMarked
package io.distlock.core.spi;

import org.jspecify.annotations.NullMarked;
