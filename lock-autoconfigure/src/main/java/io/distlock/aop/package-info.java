/**
 * The aspect behind {@code @DistributedLock}: parses each annotated method once, evaluates its
 * key and durations per call with SpEL, and runs the method under the lock.
 */
@NullMarked
package io.distlock.aop;

import org.jspecify.annotations.NullMarked;
