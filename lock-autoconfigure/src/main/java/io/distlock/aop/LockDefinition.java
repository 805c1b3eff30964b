package io.distlock.aop;

import java.lang.reflect.Method;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.EvaluationContext;

import io.distlock.annotation.OnLockFailure;
import io.distlock.core.LockRequest;

/**
 * A {@code @DistributedLock} method's annotation, parsed once: what is fixed is resolved, what
 * depends on the call is a parsed expression.
 *
 * @param method the annotated method, as declared on the target class
 * @param targetClass the class of the bean
 * @param description the annotation and method, for messages
 * @param name the lock name, placeholders resolved
 * @param key the key expression, or {@code null} for one lock per method
 * @param ttl the lease, or {@code null} for the default
 * @param waitTime the wait bound, or {@code null} for the default
 * @param lockAtLeastFor the minimum hold
 * @param onFailure what to do when the lock is not acquired
 * @param autoRenew whether to renew the lease while the method runs
 * @param skipResult what a skipped call returns
 */
record LockDefinition(Method method, Class<?> targetClass, String description, String name,
		@Nullable KeyExpression key, @Nullable DurationValue ttl, @Nullable DurationValue waitTime,
		DurationValue lockAtLeastFor, OnLockFailure onFailure, boolean autoRenew, @Nullable Object skipResult) {

	/**
	 * Evaluates this definition for a call.
	 * @param context the call's evaluation context
	 * @param defaultTtl the lease when none is given
	 * @param defaultWaitTime the wait bound when none is given
	 * @return the call
	 * @throws IllegalArgumentException if the key or a duration evaluates to an unusable value
	 */
	LockCall resolve(EvaluationContext context, Duration defaultTtl, Duration defaultWaitTime) {
		String lockKey = (this.key != null) ? this.name + ":" + this.key.evaluate(context) : this.name;
		Duration lease = (this.ttl != null) ? this.ttl.resolve(context) : defaultTtl;
		Duration wait = (this.waitTime != null) ? this.waitTime.resolve(context) : defaultWaitTime;
		LockRequest request = new LockRequest(lockKey, lease, wait, this.name, this.autoRenew);
		return new LockCall(this, request, this.lockAtLeastFor.resolve(context));
	}

}
