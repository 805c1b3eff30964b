package io.distlock.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.aspectj.AspectJExpressionPointcut;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

import io.distlock.annotation.DistributedLock;

/**
 * Parses every {@code @DistributedLock} of a bean when the bean is created, once per class, so a
 * malformed annotation, or one the aspect cannot apply, fails application start-up instead of
 * being found at the first call or silently ignored. Unordered, it runs after the ordered
 * post-processors that add advice, such as {@code @Async}'s, so it sees the bean's final proxy.
 *
 * @since 1.0.0
 */
public final class LockDefinitionValidator implements BeanPostProcessor {

	private final LockDefinitionSource definitions;

	private final AspectJExpressionPointcut pointcut = new AspectJExpressionPointcut();

	private final Set<Class<?>> validatedClasses = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a validator that parses into {@code definitions}.
	 * @param definitions where parsed annotations are kept for the aspect
	 */
	public LockDefinitionValidator(LockDefinitionSource definitions) {
		this.definitions = Objects.requireNonNull(definitions, "'definitions' must not be null");
		this.pointcut.setExpression(DistributedLockAspect.POINTCUT);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = LockDefinitionSource.targetClassOf(bean);
		if (!this.validatedClasses.contains(targetClass)
				&& AnnotationUtils.isCandidateClass(targetClass, DistributedLock.class)) {
			ReflectionUtils.doWithMethods(targetClass, (method) -> validate(bean, method, targetClass),
					ReflectionUtils.USER_DECLARED_METHODS);
			this.validatedClasses.add(targetClass);
		}
		return bean;
	}

	private void validate(Object bean, Method method, Class<?> targetClass) {
		LockDefinition definition = this.definitions.find(method, targetClass);
		if (definition == null) {
			return;
		}
		Method specificMethod = definition.method();
		if (Modifier.isPrivate(specificMethod.getModifiers()) || Modifier.isStatic(specificMethod.getModifiers())) {
			throw new IllegalStateException(definition.description() + " is on a private or static method, which "
					+ "Spring AOP cannot intercept");
		}
		if (!this.pointcut.matches(specificMethod, targetClass)) {
			throw new IllegalStateException(definition.description() + " is not visible to the aspect: put "
					+ "@DistributedLock, or an annotation composed from it at most two levels deep, on the method of "
					+ targetClass.getName() + " itself; AspectJ pointcuts do not see annotations inherited from "
					+ "interfaces or overridden methods");
		}
		if (definition.completion() == Completion.ON_RETURN
				&& AsyncAdviceOrder.asyncInsideLock(bean, specificMethod, targetClass)) {
			throw new IllegalStateException(definition.description() + " runs @Async inside the lock, which would "
					+ "be released when the work is handed to the executor, before it runs: return CompletableFuture, "
					+ "or let @Async run first, as it does by default");
		}
	}

}
