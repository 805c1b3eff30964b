package io.distlock.aop;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;

/**
 * The {@code key} attribute of {@code @DistributedLock}, parsed, with what to name in messages.
 *
 * @param expression the parsed expression
 * @param origin the annotation, method and attribute, for messages
 */
record KeyExpression(Expression expression, String origin) {

	/**
	 * The key value for a call, converted to a string.
	 * @throws IllegalArgumentException if it is {@code null} or blank
	 */
	String evaluate(EvaluationContext context) {
		String value = this.expression.getValue(context, String.class);
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(this.origin + " evaluated to "
					+ ((value != null) ? "a blank string" : "null") + "; a lock key must not be null or blank");
		}
		return value;
	}

}
