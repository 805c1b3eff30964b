package io.distlock.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;

import io.distlock.annotation.DistributedLock;

/**
 * Finds the {@link DistributedLock @DistributedLock} of a method, directly or through a composed
 * annotation, and parses it once per method and target class; the
 * {@link DistributedLockAspect aspect} and the {@link LockDefinitionValidator start-up check}
 * share what it parsed. It also finds annotations inherited from interfaces and overridden
 * methods, which the aspect cannot see, so that the start-up check can report them. Thread-safe.
 *
 * @since 1.0.0
 */
public final class LockDefinitionSource {

	private final LockExpressionEvaluator evaluator;

	private final LockDefinitionParser parser;

	private final Map<MethodClassKey, LockDefinition> definitions = new ConcurrentHashMap<>(64);

	/**
	 * Creates a source.
	 * @param beanFactory the beans that {@code @bean} references in expressions resolve to
	 * @param environment the properties that {@code ${...}} placeholders resolve to
	 */
	public LockDefinitionSource(BeanFactory beanFactory, Environment environment) {
		this(beanFactory, environment, new SpelExpressionParser());
	}

	LockDefinitionSource(BeanFactory beanFactory, Environment environment, SpelExpressionParser expressionParser) {
		this.evaluator = new LockExpressionEvaluator(expressionParser, beanFactory);
		this.parser = new LockDefinitionParser(this.evaluator, environment);
	}

	/**
	 * The class whose methods a bean's annotations are looked up on: the user class behind
	 * proxies and CGLIB subclasses.
	 */
	static Class<?> targetClassOf(Object bean) {
		return ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
	}

	/**
	 * The definition of an annotated method.
	 * @param method the invoked method, possibly declared by an interface or superclass
	 * @param targetClass the class of the bean
	 * @return the definition
	 * @throws IllegalStateException if the method has no {@code @DistributedLock} or a malformed one
	 */
	LockDefinition get(Method method, Class<?> targetClass) {
		LockDefinition definition = find(method, targetClass);
		if (definition == null) {
			throw new IllegalStateException("No @DistributedLock on '" + method + "' of " + targetClass.getName());
		}
		return definition;
	}

	/**
	 * The definition of a method, if annotated.
	 * @param method a method, possibly declared by an interface or superclass
	 * @param targetClass the class of the bean
	 * @return the definition, or {@code null} if the method has no {@code @DistributedLock}
	 * @throws IllegalStateException if the annotation is malformed
	 */
	@Nullable LockDefinition find(Method method, Class<?> targetClass) {
		// Keyed by the invoked method, so a call costs no reflective lookup of the specific method.
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		LockDefinition cached = this.definitions.get(cacheKey);
		if (cached != null) {
			return cached;
		}
		Method specificMethod = AopUtils.getMostSpecificMethod(method, targetClass);
		DistributedLock annotation = AnnotatedElementUtils.findMergedAnnotation(specificMethod, DistributedLock.class);
		if (annotation == null) {
			return null;
		}
		return this.definitions.computeIfAbsent(cacheKey,
				(key) -> this.parser.parse(annotation, specificMethod, targetClass));
	}

	/**
	 * The context a call's expressions are evaluated in.
	 * @param definition the method's definition
	 * @param target the bean
	 * @param args the arguments
	 * @return a new context
	 */
	EvaluationContext evaluationContext(LockDefinition definition, Object target, Object[] args) {
		return this.evaluator.createContext(definition.method(), definition.targetClass(), target, args);
	}

}
