package io.distlock.aop;

import java.time.Duration;

import io.distlock.core.LockRequest;

/**
 * One call of a {@code @DistributedLock} method, its attributes evaluated.
 *
 * @param definition the method's parsed annotation
 * @param request the lock to take
 * @param lockAtLeastFor how long the lock is kept at least after acquisition
 */
record LockCall(LockDefinition definition, LockRequest request, Duration lockAtLeastFor) {
}
