package io.distlock.aop;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;

/**
 * A duration attribute of {@code @DistributedLock}: fixed when the annotation gives a literal,
 * or evaluated per call from a SpEL expression.
 */
sealed interface DurationValue {

	/**
	 * The duration for a call.
	 * @throws IllegalArgumentException if an expression yields no duration or one out of bounds
	 */
	Duration resolve(EvaluationContext context);

	/**
	 * Parses a duration literal: {@code 30s}, {@code 500ms}, {@code PT1M}, or a bare number of
	 * milliseconds.
	 * @throws IllegalArgumentException if the text is no duration
	 */
	static Duration parseLiteral(String text) {
		return DurationStyle.detectAndParse(text.trim(), ChronoUnit.MILLIS);
	}

	/**
	 * The range a duration attribute must stay in.
	 */
	enum Bound {

		/** A lease: at least a millisecond. */
		POSITIVE("at least 1ms"),

		/** A wait or minimum hold: zero or more. */
		NON_NEGATIVE("zero or more");

		private final String rule;

		Bound(String rule) {
			this.rule = rule;
		}

		boolean admits(Duration duration) {
			return (this == POSITIVE) ? duration.toMillis() >= 1 : !duration.isNegative();
		}

		String rule() {
			return this.rule;
		}

	}

	/**
	 * A duration given as a literal or a placeholder, checked once at start-up.
	 */
	record Fixed(Duration duration) implements DurationValue {

		@Override
		public Duration resolve(EvaluationContext context) {
			return this.duration;
		}

	}

	/**
	 * A duration computed per call by an expression that yields a {@link Duration}, a number of
	 * milliseconds or a duration literal.
	 *
	 * @param expression the parsed expression
	 * @param origin the annotation, method and attribute, for messages
	 * @param bound the range the result must stay in
	 */
	record Evaluated(Expression expression, String origin, Bound bound) implements DurationValue {

		@Override
		public Duration resolve(EvaluationContext context) {
			Object value = this.expression.getValue(context);
			Duration duration = toDuration(value);
			if (!this.bound.admits(duration)) {
				throw new IllegalArgumentException(this.origin + " evaluated to " + duration + ", which must be "
						+ this.bound.rule());
			}
			return duration;
		}

		private Duration toDuration(@Nullable Object value) {
			if (value instanceof Duration duration) {
				return duration;
			}
			if (value instanceof Number millis) {
				return Duration.ofMillis(millis.longValue());
			}
			if (value instanceof CharSequence text) {
				try {
					return parseLiteral(text.toString());
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException(this.origin + " evaluated to '" + text
							+ "', which is not a duration literal", ex);
				}
			}
			throw new IllegalArgumentException(this.origin + " evaluated to " + describe(value)
					+ "; expected a Duration, a number of milliseconds or a duration literal");
		}

		private static String describe(@Nullable Object value) {
			return (value != null) ? "'" + value + "' of type " + value.getClass().getName() : "null";
		}

	}

}
