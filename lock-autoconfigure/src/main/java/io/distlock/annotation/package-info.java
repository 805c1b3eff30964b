/**
 * The {@code @DistributedLock} annotation that guards a Spring bean's method with a distributed lock.
 */
@NullMarked
package io.distlock.annotation;

import org.jspecify.annotations.NullMarked;
