package io.distlock.aop;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.ast.InlineList;
import org.springframework.expression.spel.standard.SpelExpression;

/**
 * The {@code key} attribute of {@code @DistributedLock}, parsed, with what to name in messages.
 * An expression yielding a {@code Collection} or an array names one key per element, for a lock
 * on all of them.
 *
 * @param expression the parsed expression
 * @param origin the annotation, method and attribute, for messages
 */
record KeyExpression(Expression expression, String origin) {

	/**
	 * The key values for a call, converted to strings: one, or each element of a collection or
	 * an array.
	 * @throws IllegalArgumentException if a value is {@code null} or blank, or a collection or
	 * array is empty
	 */
	List<String> evaluate(EvaluationContext context) {
		Object value = this.expression.getValue(context);
		List<Object> elements = elements(value);
		if (elements == null) {
			return List.of(text(context, value, ""));
		}
		if (elements.isEmpty()) {
			throw new IllegalArgumentException(this.origin + " evaluated to an empty "
					+ ((value instanceof Collection) ? "collection" : "array") + "; a lock needs at least one key");
		}
		List<String> keys = new ArrayList<>(elements.size());
		for (Object element : elements) {
			keys.add(text(context, element, "an element of " + elements + " that is "));
		}
		return keys;
	}

	/**
	 * Whether the expression is an inline list of several elements, such as
	 * {@code {#from, #to}}, which names several keys whatever the call.
	 */
	boolean listsSeveralKeys() {
		return this.expression instanceof SpelExpression spel && spel.getAST() instanceof InlineList list
				&& list.getChildCount() > 1;
	}

	private static @Nullable List<Object> elements(@Nullable Object value) {
		if (value instanceof Collection<?> collection) {
			return new ArrayList<>(collection);
		}
		if (value == null || !value.getClass().isArray()) {
			return null;
		}
		List<Object> elements = new ArrayList<>(Array.getLength(value));
		for (int i = 0; i < Array.getLength(value); i++) {
			elements.add(Array.get(value, i));
		}
		return elements;
	}

	private String text(EvaluationContext context, @Nullable Object value, String what) {
		String text = (value == null || value instanceof String) ? (String) value
				: (String) context.getTypeConverter()
					.convertValue(value, TypeDescriptor.forObject(value), TypeDescriptor.valueOf(String.class));
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException(this.origin + " evaluated to " + what
					+ ((text != null) ? "a blank string" : "null") + "; a lock key must not be null or blank");
		}
		return text;
	}

}
