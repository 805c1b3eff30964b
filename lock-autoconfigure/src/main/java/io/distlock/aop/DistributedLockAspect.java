package io.distlock.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;

import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

import io.distlock.annotation.DistributedLock;
import io.distlock.core.LockManager;

/**
 * Runs {@link DistributedLock @DistributedLock} methods, annotated directly or through a composed
 * annotation (up to two levels deep), under their lock until their work is done: until they
 * return, until a returned {@code CompletionStage} completes, or, per subscription, until a
 * returned {@code Mono} or {@code Flux} terminates or is cancelled (when Reactor is present).
 * Ordered outside {@code @Transactional} by default, so the lock is released after commit.
 *
 * @since 1.0.0
 */
@Aspect
public final class DistributedLockAspect implements Ordered {

	/**
	 * The default order: just inside {@link Ordered#LOWEST_PRECEDENCE}, which is the default
	 * order of transaction advice, so the lock surrounds the transaction.
	 */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	/**
	 * Methods annotated directly or through composed annotations up to two levels deep. Like
	 * every AspectJ pointcut, it does not see annotations on interfaces or overridden methods.
	 */
	static final String POINTCUT = "@annotation(io.distlock.annotation.DistributedLock)"
			+ " || execution(@(@io.distlock.annotation.DistributedLock *) * *(..))"
			+ " || execution(@(@(@io.distlock.annotation.DistributedLock *) *) * *(..))";

	private static final boolean reactorPresent = ClassUtils.isPresent("reactor.core.publisher.Mono",
			DistributedLockAspect.class.getClassLoader());

	private final LockDefinitionSource definitions;

	private final LockingInvoker invoker;

	private final @Nullable ReactiveLockingInvoker reactiveInvoker;

	private final Duration defaultTtl;

	private final Duration defaultWaitTime;

	private int order = DEFAULT_ORDER;

	/**
	 * Creates the aspect.
	 * @param lockManager the manager that takes the locks
	 * @param definitions the parsed annotations
	 * @param defaultTtl the lease when an annotation gives none
	 * @param defaultWaitTime the wait bound when an annotation gives none
	 */
	public DistributedLockAspect(LockManager lockManager, LockDefinitionSource definitions, Duration defaultTtl,
			Duration defaultWaitTime) {
		Objects.requireNonNull(lockManager, "'lockManager' must not be null");
		this.invoker = new LockingInvoker(lockManager,
				reactorPresent ? new NonBlockingThreadOffloader() : Runnable::run);
		this.reactiveInvoker = reactorPresent ? new ReactiveLockingInvoker(lockManager) : null;
		this.definitions = Objects.requireNonNull(definitions, "'definitions' must not be null");
		this.defaultTtl = Objects.requireNonNull(defaultTtl, "'defaultTtl' must not be null");
		this.defaultWaitTime = Objects.requireNonNull(defaultWaitTime, "'defaultWaitTime' must not be null");
	}

	/**
	 * Takes the method's lock, runs it and releases the lock once its work is done; for a
	 * {@code Mono} or {@code Flux}, returns one that does so on each subscription.
	 * @param joinPoint the call
	 * @return what the method returned, or the skipped result
	 * @throws Throwable what the method threw, or a lock exception
	 */
	@Around(POINTCUT)
	public @Nullable Object lock(ProceedingJoinPoint joinPoint) throws Throwable {
		Object target = Objects.requireNonNull(joinPoint.getTarget(), "Spring AOP join points have a target");
		Method method = ((MethodSignature) joinPoint.getSignature()).getMethod();
		LockDefinition definition = this.definitions.get(method, LockDefinitionSource.targetClassOf(target));
		Object[] args = joinPoint.getArgs();
		LockCall call = definition.resolve(this.definitions.evaluationContext(definition, target, args),
				this.defaultTtl, this.defaultWaitTime);
		return switch (definition.completion()) {
			case ON_RETURN, STAGE -> this.invoker.invoke(call, joinPoint::proceed);
			case MONO, FLUX -> Objects.requireNonNull(this.reactiveInvoker, "Reactor types imply Reactor")
				.invoke(call, joinPoint::proceed);
		};
	}

	/**
	 * Sets the order of this advice among others on the same method; lower runs outside.
	 * @param order the order, {@link #DEFAULT_ORDER} unless set
	 */
	public void setOrder(int order) {
		this.order = order;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
