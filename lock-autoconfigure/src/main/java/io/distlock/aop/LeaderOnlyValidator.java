package io.distlock.aop;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

import io.distlock.annotation.LeaderOnly;
import io.distlock.leader.LeaderElection;

/**
 * Fails start-up for a {@link LeaderOnly @LeaderOnly} method that cannot work: leader election
 * is disabled, or the method returns a primitive that a skipped call cannot produce.
 *
 * @since 1.0.0
 */
public final class LeaderOnlyValidator implements BeanPostProcessor {

	private final ObjectProvider<LeaderElection> election;

	private final Set<Class<?>> validatedClasses = ConcurrentHashMap.newKeySet();

	/**
	 * Creates the validator.
	 * @param election the application's leader election, if enabled
	 */
	public LeaderOnlyValidator(ObjectProvider<LeaderElection> election) {
		this.election = election;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = LockDefinitionSource.targetClassOf(bean);
		if (this.validatedClasses.add(targetClass) && AnnotationUtils.isCandidateClass(targetClass, LeaderOnly.class)) {
			ReflectionUtils.doWithMethods(targetClass, this::validate, ReflectionUtils.USER_DECLARED_METHODS);
		}
		return bean;
	}

	private void validate(Method method) {
		if (!AnnotatedElementUtils.hasAnnotation(method, LeaderOnly.class)) {
			return;
		}
		String description = "@LeaderOnly on '" + method.getDeclaringClass().getName() + "." + method.getName() + "'";
		if (this.election.getIfAvailable() == null) {
			throw new IllegalStateException(description + " needs leader election: set distlock.leader.enabled=true");
		}
		if (method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
			throw new IllegalStateException(description + " returns " + method.getReturnType()
					+ ", which a call skipped on a non-leader cannot produce; return a wrapper type or void");
		}
	}

}
