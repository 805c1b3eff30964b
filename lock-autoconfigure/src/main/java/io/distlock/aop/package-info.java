/**
 * The aspect behind {@code @DistributedLock}: parses each annotated method once, evaluates its
 * key and durations per call with SpEL, and runs the method under the lock until its work is
 * done, also when that is a returned {@code CompletionStage}, {@code Mono} or {@code Flux}.
 */
@NullMarked
package io.distlock.aop;

import org.jspecify.annotations.NullMarked;
