package io.distlock.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.ParserContext;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ReflectionUtils;

import io.distlock.annotation.DistributedLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LockDefinitionSource}: each annotation is parsed once, however often its
 * method is called or its class validated.
 */
class LockDefinitionSourceTests {

	private final CountingParser parser = new CountingParser();

	private final LockDefinitionSource source = new LockDefinitionSource(new DefaultListableBeanFactory(),
			environment(), this.parser);

	@Test
	void parsesEachExpressionOnceAcrossCalls() {
		Method method = ReflectionUtils.findMethod(Billing.class, "charge", String.class, long.class);
		Billing target = new Billing();
		new LockDefinitionValidator(this.source).postProcessAfterInitialization(target, "billing");
		for (int i = 0; i < 100; i++) {
			LockDefinition definition = this.source.get(method, Billing.class);
			Object[] args = { "c" + i, i + 1 };
			LockCall call = definition.resolve(this.source.evaluationContext(definition, target, args),
					Duration.ofSeconds(30), Duration.ofSeconds(10));
			assertThat(call.request().key()).isEqualTo("billing:eu:c" + i);
			assertThat(call.request().ttl()).isEqualTo(Duration.ofSeconds(i + 1));
		}
		assertThat(this.parser.parsed()).isEqualTo(2);
	}

	@Test
	void validatingBeansParsesEveryAnnotatedMethodOnce() {
		LockDefinitionValidator validator = new LockDefinitionValidator(this.source);
		validator.postProcessAfterInitialization(new Billing(), "first");
		validator.postProcessAfterInitialization(new Billing(), "second");
		assertThat(this.parser.parsed()).isEqualTo(2);
	}

	@Test
	void literalsAreParsedWithoutSpel() {
		Method method = ReflectionUtils.findMethod(Billing.class, "settle");
		LockDefinition definition = this.source.get(method, Billing.class);
		LockCall call = definition.resolve(this.source.evaluationContext(definition, new Billing(), new Object[0]),
				Duration.ofSeconds(30), Duration.ofSeconds(10));
		assertThat(call.request().key()).isEqualTo("Billing.settle");
		assertThat(call.request().ttl()).isEqualTo(Duration.ofMillis(1500));
		assertThat(call.request().waitTime()).isEqualTo(Duration.ofSeconds(10));
		assertThat(call.lockAtLeastFor()).isEqualTo(Duration.ofMinutes(1));
		assertThat(this.parser.parsed()).isZero();
	}

	private static StandardEnvironment environment() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of("region", "eu")));
		return environment;
	}

	/**
	 * Counts expressions it parses.
	 */
	static class CountingParser extends SpelExpressionParser {

		private final AtomicInteger parsed = new AtomicInteger();

		@Override
		public Expression parseExpression(String expressionString, @Nullable ParserContext context)
				throws ParseException {
			this.parsed.incrementAndGet();
			return super.parseExpression(expressionString, context);
		}

		int parsed() {
			return this.parsed.get();
		}

	}

	static class Billing {

		@DistributedLock(name = "billing", key = "'${region}:' + #customer", ttl = "#seconds * 1000")
		public void charge(String customer, long seconds) {
		}

		@DistributedLock(ttl = "1500", lockAtLeastFor = "PT1M")
		public void settle() {
		}

	}

}
