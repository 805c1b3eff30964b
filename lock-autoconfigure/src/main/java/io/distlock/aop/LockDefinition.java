package io.distlock.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.expression.EvaluationContext;

import io.distlock.annotation.OnLockFailure;
import io.distlock.core.LockMode;
import io.distlock.core.LockNotAcquiredException;
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
 * @param mode exclusive or shared
 * @param permits how many exclusive holders the key may have at once; 1 for shared
 * @param completion when the method's work is done, which is when the lock is released
 * @param skipValue the value a skipped call yields: {@code null} or {@code Optional.empty()}
 */
record LockDefinition(Method method, Class<?> targetClass, String description, String name,
		@Nullable KeyExpression key, @Nullable DurationValue ttl, @Nullable DurationValue waitTime,
		DurationValue lockAtLeastFor, OnLockFailure onFailure, boolean autoRenew, LockMode mode, int permits,
		Completion completion, @Nullable Object skipValue) {

	private static final Logger logger = LoggerFactory.getLogger(LockDefinition.class);

	/**
	 * Evaluates this definition for a call.
	 * @param context the call's evaluation context
	 * @param defaultTtl the lease when none is given
	 * @param defaultWaitTime the wait bound when none is given
	 * @return the call
	 * @throws IllegalArgumentException if the key or a duration evaluates to an unusable value, or
	 * the key to several keys of a lock that is not a mutex
	 */
	LockCall resolve(EvaluationContext context, Duration defaultTtl, Duration defaultWaitTime) {
		TreeSet<String> keys = new TreeSet<>();
		if (this.key != null) {
			for (String value : this.key.evaluate(context)) {
				keys.add(this.name + ":" + value);
			}
			if (keys.size() > 1 && !isMutex(this.mode, this.permits)) {
				throw new IllegalArgumentException(this.key.origin() + " evaluated to " + keys.size()
						+ " keys, which are locked as mutexes only, but " + kindAttribute(this.mode, this.permits));
			}
		}
		else {
			keys.add(this.name);
		}
		Duration lease = (this.ttl != null) ? this.ttl.resolve(context) : defaultTtl;
		Duration wait = (this.waitTime != null) ? this.waitTime.resolve(context) : defaultWaitTime;
		LockRequest request = new LockRequest(keys.first(), lease, wait, this.name, this.autoRenew, this.mode,
				this.permits);
		return new LockCall(this, request, List.copyOf(keys), this.lockAtLeastFor.resolve(context));
	}

	/**
	 * The attribute that makes a lock other than a mutex, as messages name it.
	 * @param mode the lock's mode
	 * @param permits the lock's permits
	 * @return {@code attribute 'mode' is SHARED} or {@code attribute 'permits' is N}
	 */
	static String kindAttribute(LockMode mode, int permits) {
		return (mode == LockMode.SHARED) ? "attribute 'mode' is SHARED" : "attribute 'permits' is " + permits;
	}

	/**
	 * Whether a lock of this kind is a mutex: exclusive with one permit, the only kind several
	 * keys are locked as.
	 * @param mode the lock's mode
	 * @param permits the lock's permits
	 * @return {@code true} for a mutex
	 */
	static boolean isMutex(LockMode mode, int permits) {
		return mode == LockMode.EXCLUSIVE && permits == 1;
	}

	/**
	 * Whether a call whose lock was not acquired is skipped rather than failed; logs a skip at
	 * DEBUG.
	 * @param notAcquired why the lock was not acquired
	 * @return {@code true} for {@link OnLockFailure#SKIP}
	 */
	boolean skips(LockNotAcquiredException notAcquired) {
		if (this.onFailure != OnLockFailure.SKIP) {
			return false;
		}
		logger.debug("Skipped {}: {}", this.description, notAcquired.getMessage());
		return true;
	}

	/**
	 * What a skipped call of a method that is not reactive returns: the skip value, in a new
	 * completed future for a {@code CompletionStage}.
	 * @return the result
	 */
	@Nullable Object skipResult() {
		return (this.completion == Completion.STAGE) ? CompletableFuture.completedFuture(this.skipValue)
				: this.skipValue;
	}

}
