package io.distlock.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.distlock.core.LockMode;

/**
 * Runs the annotated method of a Spring bean only while holding a distributed lock: the lock is
 * taken before the method runs and released when its work is done. Inside, the handle is
 * {@link io.distlock.core.LockContext#current()}, which gives its fencing token.
 * <p>
 * When the work is done depends on the return type:
 * <ul>
 * <li>a plain value, {@code Optional} or {@code void}: when the method returns or throws;</li>
 * <li>{@code CompletableFuture} or {@code CompletionStage}: when the returned stage completes,
 * with a value, an error or by cancellation; the lock is taken, blocking, before the method runs,
 * and the caller gets a stage that completes once the lock is released;</li>
 * <li>Reactor's {@code Mono} or {@code Flux}: per subscription, when it completes, fails or is
 * cancelled; nothing is taken when the method is called, each subscription takes the lock without
 * blocking a thread and then invokes the method, and the handle is in the Reactor
 * {@code Context} under {@code LockHandle.class}.</li>
 * </ul>
 * Any other asynchronous type ({@code Future}, other reactive types, Kotlin suspending
 * functions) fails start-up, since its lock would be released before the work is done.
 * <p>
 * The lock key is {@code distlock.key-prefix} + {@link #name()}, plus {@code ":"} and the value
 * of {@link #key()} when a key is given, so
 * {@code @DistributedLock(name = "ledger", key = "#id")} called with id 42 is the same lock as
 * {@code lockManager.lock("ledger:42", ttl)}. A call that, within its own call stack, reaches
 * another {@code @DistributedLock} for the same key runs without taking it again when the held
 * lock is a mutex ({@link LockMode#EXCLUSIVE} with one permit) or of the same kind (same
 * {@link #mode()} and {@link #permits()}); otherwise it fails at once with a
 * {@link io.distlock.core.LockException}, since waiting for its own lock would deadlock (such as
 * an upgrade from shared to exclusive).
 * <p>
 * {@link #key()} is a SpEL expression, and {@link #ttl()}, {@link #waitTime()} and
 * {@link #lockAtLeastFor()} may be; they see the call through these variables:
 * <ul>
 * <li>{@code #paramName}: an argument by its parameter name (compile with {@code -parameters})</li>
 * <li>{@code #p0}, {@code #a0}: an argument by its index</li>
 * <li>{@code #root.method}, {@code #root.target}, {@code #root.targetClass},
 * {@code #root.args}: the method, the bean, its class and the arguments</li>
 * <li>{@code @beanName}: another bean</li>
 * </ul>
 * {@code ${...}} placeholders are resolved first in every attribute. Expressions are parsed
 * once, when the bean is created: a malformed expression or duration, a negative duration,
 * {@link OnLockFailure#SKIP} on a method returning a primitive, {@link #permits()} below 1, or
 * {@link LockMode#SHARED} with permits other than 1 fails application start-up. Several keys are
 * locked as mutexes only: a shared lock or permits other than 1 with a key that is an inline
 * list of several elements, such as {@code {#from, #to}}, fails start-up too, and with a key
 * that yields several keys only when called, throws {@link IllegalArgumentException} then, and
 * the method does not run.
 * <p>
 * The lock surrounds {@code @Transactional} on the same method (it is released after commit)
 * unless {@code distlock.aspect-order} says otherwise. {@code @Async} runs first by default,
 * whatever that order (its post-processor puts its advice in front of existing advice), so the
 * lock is taken on the executor thread and guards the work; where {@code @Async} is made to run
 * inside the lock, the method must return {@code CompletableFuture}, else start-up fails.
 * <p>
 * Put it on a public method of the bean's class (or a superclass it inherits unchanged), not on
 * an interface method: like every AspectJ pointcut, the aspect does not see annotations on
 * interfaces or on overridden methods, and start-up fails if one is found there. Use it as a
 * meta-annotation to compose your own, up to two levels deep, for example
 * {@code @DistributedLock(waitTime = "0", onFailure = SKIP)} on a {@code @ClusterSingleton}
 * annotation.
 *
 * @since 1.0.0
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DistributedLock {

	/**
	 * The static part of the lock key, also the {@code name} tag of the lock's meters: a literal
	 * or a {@code ${placeholder}}. Defaults to {@code SimpleClassName.methodName}.
	 * @return the lock name
	 */
	String name() default "";

	/**
	 * SpEL expression whose value is appended to the {@link #name()} after a {@code ':'}, such as
	 * {@code #orderId}, {@code #p0}, {@code #order.customer.id} or {@code @tenants.current()}. A
	 * value that is {@code null} or blank throws {@link IllegalArgumentException} and the method
	 * does not run. Empty means one lock for the method.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * The lease: how long the lock outlives a holder that stops renewing it. A duration literal
	 * ({@code 30s}, {@code 500ms}, {@code PT1M}; a bare number means milliseconds), a
	 * {@code ${placeholder}}, or SpEL yielding a {@link java.time.Duration}, a number of
	 * milliseconds or a duration literal, such as {@code #ttl} or
	 * {@code T(java.time.Duration).ofSeconds(#seconds)}. Must be at least 1ms. Empty means
	 * {@code distlock.default-ttl}.
	 * @return the lease
	 */
	String ttl() default "";

	/**
	 * How long to wait for the lock, in the same forms as {@link #ttl()}; {@code 0} tries once.
	 * Empty means {@code distlock.default-wait-time}.
	 * @return the wait bound
	 */
	String waitTime() default "";

	/**
	 * How long the lock is kept at least, counted from its acquisition, even when the method
	 * returns sooner: on return the lease is shortened to the remainder instead of the lock
	 * being deleted. Keeps a scheduled job from running twice on nodes whose schedules fire a
	 * little apart. Same forms as {@link #ttl()}; empty means {@code 0}.
	 * @return the minimum hold
	 */
	String lockAtLeastFor() default "";

	/**
	 * What to do when the lock is not acquired within {@link #waitTime()}.
	 * @return the failure mode
	 */
	OnLockFailure onFailure() default OnLockFailure.THROW;

	/**
	 * Whether the lease is renewed while the method runs, so work longer than {@link #ttl()}
	 * keeps the lock; the lease still ends {@code ttl} after the process dies.
	 * @return whether to renew
	 */
	boolean autoRenew() default true;

	/**
	 * How the lock is held. {@link LockMode#EXCLUSIVE} (the default): by one holder, or with
	 * {@link #permits()} by up to that many, and no shared holder beside them.
	 * {@link LockMode#SHARED}: by any number of shared holders at once and no exclusive one
	 * beside them; an exclusive request that waits is not starved by a stream of shared ones. A
	 * shared lock has one permit, and a key yielding several keys is locked as a mutex only.
	 * @return the mode
	 */
	LockMode mode() default LockMode.EXCLUSIVE;

	/**
	 * How many exclusive holders the key may have at once: 1 (the default) for a mutex, N for a
	 * semaphore of N permits whose permits are leases, so a crashed holder's permit frees
	 * {@link #ttl()} after its last renewal. At least 1, and 1 for {@link LockMode#SHARED} or a
	 * key yielding several keys.
	 * @return the permits
	 */
	int permits() default 1;

}
