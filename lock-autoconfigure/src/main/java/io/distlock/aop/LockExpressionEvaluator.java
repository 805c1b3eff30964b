package io.distlock.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.CachedExpressionEvaluator;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Parses lock expressions once per method, target class and text, and builds the context each
 * call evaluates them in: arguments by name and index ({@code #id}, {@code #p0}, {@code #a0}),
 * {@code #root} and {@code @bean} references.
 */
final class LockExpressionEvaluator extends CachedExpressionEvaluator {

	private final Map<ExpressionKey, Expression> expressions = new ConcurrentHashMap<>(64);

	private final BeanFactoryResolver beanResolver;

	LockExpressionEvaluator(SpelExpressionParser parser, BeanFactory beanFactory) {
		super(parser);
		this.beanResolver = new BeanFactoryResolver(beanFactory);
	}

	/**
	 * Parses an expression of a method, or returns it from the cache.
	 * @throws ParseException if the expression is malformed
	 */
	Expression parse(Method method, Class<?> targetClass, String text) {
		return getExpression(this.expressions, new AnnotatedElementKey(method, targetClass), text);
	}

	EvaluationContext createContext(Method method, Class<?> targetClass, Object target, Object[] args) {
		LockExpressionRootObject root = new LockExpressionRootObject(method, target, targetClass, args);
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(root, method, args,
				getParameterNameDiscoverer());
		context.setBeanResolver(this.beanResolver);
		return context;
	}

}
