package io.distlock.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import io.distlock.annotation.DistributedLock;
import io.distlock.annotation.OnLockFailure;
import io.distlock.aop.DurationValue.Bound;
import io.distlock.core.LockMode;

/**
 * Turns a {@link DistributedLock @DistributedLock} into a {@link LockDefinition}: resolves
 * placeholders, parses expressions and duration literals, and checks everything that can be
 * checked without a call, failing with a message naming class, method, attribute and text.
 */
final class LockDefinitionParser {

	private final LockExpressionEvaluator evaluator;

	private final Environment environment;

	LockDefinitionParser(LockExpressionEvaluator evaluator, Environment environment) {
		this.evaluator = evaluator;
		this.environment = environment;
	}

	/**
	 * Parses the annotation of a method.
	 * @param annotation the merged annotation
	 * @param method the method as declared on the target class
	 * @param targetClass the class of the bean
	 * @return the definition
	 * @throws IllegalStateException if the annotation is malformed or does not fit the method
	 */
	LockDefinition parse(DistributedLock annotation, Method method, Class<?> targetClass) {
		String description = "@DistributedLock on '" + ClassUtils.getQualifiedMethodName(method, targetClass) + "'";
		Completion completion = Completion.of(method, description);
		checkSkip(description, method.getReturnType(), annotation.onFailure());
		@Nullable Object skipValue = (valueType(method, completion) == Optional.class) ? Optional.empty() : null;
		Attributes attributes = new Attributes(description, method, targetClass);
		KeyExpression key = attributes.key(annotation.key());
		checkKind(description, annotation.mode(), annotation.permits());
		if (key != null && key.listsSeveralKeys() && !LockDefinition.isMutex(annotation.mode(), annotation.permits())) {
			throw new IllegalStateException(key.origin() + " names several keys, which are locked as mutexes only, "
					+ "but " + LockDefinition.kindAttribute(annotation.mode(), annotation.permits())
					+ "; lock each key in a call of its own");
		}
		DurationValue lockAtLeastFor = attributes.duration("lockAtLeastFor", annotation.lockAtLeastFor(),
				Bound.NON_NEGATIVE);
		return new LockDefinition(method, targetClass, description, attributes.name(annotation.name()), key,
				attributes.duration("ttl", annotation.ttl(), Bound.POSITIVE),
				attributes.duration("waitTime", annotation.waitTime(), Bound.NON_NEGATIVE),
				(lockAtLeastFor != null) ? lockAtLeastFor : new DurationValue.Fixed(Duration.ZERO),
				annotation.onFailure(), annotation.autoRenew(), annotation.mode(), annotation.permits(), completion,
				skipValue);
	}

	private static void checkKind(String description, LockMode mode, int permits) {
		if (permits < 1) {
			throw new IllegalStateException(description + ": attribute 'permits' is " + permits + ", but a lock needs "
					+ "at least 1 permit: 1 for a mutex, N for at most N holders at once");
		}
		if (mode == LockMode.SHARED && permits != 1) {
			throw new IllegalStateException(description + ": attribute 'mode' is SHARED with attribute 'permits' "
					+ permits + ", but a shared lock admits any number of holders and has 1 permit; drop 'permits', "
					+ "or use mode EXCLUSIVE for at most " + permits + " holders at once");
		}
	}

	private static void checkSkip(String description, Class<?> returnType, OnLockFailure onFailure) {
		if (onFailure == OnLockFailure.SKIP && returnType.isPrimitive() && returnType != void.class) {
			throw new IllegalStateException(description + ": attribute 'onFailure' is SKIP, but the method returns "
					+ "primitive '" + returnType.getName() + "', which a skipped call cannot return; return a wrapper "
					+ "type, an Optional or void");
		}
	}

	/**
	 * The type of what the method yields: its return type, or the value type of a returned
	 * stage.
	 */
	private static @Nullable Class<?> valueType(Method method, Completion completion) {
		if (completion == Completion.STAGE) {
			return ResolvableType.forMethodReturnType(method).as(CompletionStage.class).getGeneric(0).resolve();
		}
		return method.getReturnType();
	}

	/**
	 * Whether a duration attribute is SpEL rather than a literal: literals never contain a
	 * variable, a bean reference, a type reference or a call.
	 */
	private static boolean isExpression(String text) {
		return text.contains("#") || text.contains("(") || text.startsWith("@");
	}

	/**
	 * The attributes of one annotated method, parsed with messages naming it.
	 */
	private final class Attributes {

		private final String description;

		private final Method method;

		private final Class<?> targetClass;

		Attributes(String description, Method method, Class<?> targetClass) {
			this.description = description;
			this.method = method;
			this.targetClass = targetClass;
		}

		String name(String text) {
			if (!StringUtils.hasText(text)) {
				return this.targetClass.getSimpleName() + "." + this.method.getName();
			}
			String name = resolvePlaceholders("name", text);
			if (name.isBlank()) {
				throw new IllegalStateException(origin("name", text) + " resolves to a blank name");
			}
			return name;
		}

		@Nullable KeyExpression key(String text) {
			if (!StringUtils.hasText(text)) {
				return null;
			}
			Expression expression = parseExpression("key", text, resolvePlaceholders("key", text));
			return new KeyExpression(expression, origin("key", text));
		}

		@Nullable DurationValue duration(String attribute, String text, Bound bound) {
			if (!StringUtils.hasText(text)) {
				return null;
			}
			String resolved = resolvePlaceholders(attribute, text);
			if (isExpression(resolved)) {
				return new DurationValue.Evaluated(parseExpression(attribute, text, resolved), origin(attribute, text),
						bound);
			}
			Duration duration;
			try {
				duration = DurationValue.parseLiteral(resolved);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(origin(attribute, text) + " is neither a duration literal (such as "
						+ "30s, 500ms, PT1M or a number of milliseconds) nor a SpEL expression", ex);
			}
			if (!bound.admits(duration)) {
				throw new IllegalStateException(origin(attribute, text) + " is " + duration + ", which must be "
						+ bound.rule());
			}
			return new DurationValue.Fixed(duration);
		}

		private String resolvePlaceholders(String attribute, String text) {
			try {
				return LockDefinitionParser.this.environment.resolveRequiredPlaceholders(text);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(origin(attribute, text) + " has a placeholder that cannot be resolved: "
						+ ex.getMessage(), ex);
			}
		}

		private Expression parseExpression(String attribute, String text, String resolved) {
			try {
				return LockDefinitionParser.this.evaluator.parse(this.method, this.targetClass, resolved);
			}
			catch (ParseException ex) {
				throw new IllegalStateException(origin(attribute, text) + " is not a valid SpEL expression: "
						+ ex.getMessage(), ex);
			}
		}

		private String origin(String attribute, String text) {
			return this.description + ": attribute '" + attribute + "' = \"" + text + "\"";
		}

	}

}
