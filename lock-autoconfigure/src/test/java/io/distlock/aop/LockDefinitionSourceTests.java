package io.distlock.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
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
import io.distlock.core.LockMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LockDefinitionSource}: each annotation is parsed once, however often its
 * method is called or its class validated, and each call's request carries its lock kind.
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

	@Test
	void requestsCarryTheModeAndPermits() {
		assertThat(resolve("read", "a").request()).satisfies((request) -> {
			assertThat(request.mode()).isEqualTo(LockMode.SHARED);
			assertThat(request.permits()).isOne();
		});
		assertThat(resolve("limited", List.of("b")).request()).satisfies((request) -> {
			assertThat(request.key()).isEqualTo("shelves:b");
			assertThat(request.mode()).isEqualTo(LockMode.EXCLUSIVE);
			assertThat(request.permits()).isEqualTo(2);
		});
		assertThat(resolve("restock", List.of("c", "d")).request().isMutex()).isTrue();
	}

	@Test
	void aKeyYieldingSeveralKeysIsRefusedUnlessTheLockIsAMutex() {
		assertThat(resolve("limited", List.of("b", "b")).keys()).as("duplicates collapse to one key")
			.containsExactly("shelves:b");
		assertThatIllegalArgumentException().isThrownBy(() -> resolve("limited", List.of("b", "c")))
			.withMessageContaining(Shelves.class.getName() + ".limited")
			.withMessageContaining("attribute 'key' = \"#shelves\" evaluated to 2 keys")
			.withMessageContaining("locked as mutexes only, but attribute 'permits' is 2");
		assertThatIllegalArgumentException().isThrownBy(() -> resolve("browse", List.of("b", "c")))
			.withMessageContaining(Shelves.class.getName() + ".browse")
			.withMessageContaining("but attribute 'mode' is SHARED");
	}

	private LockCall resolve(String methodName, Object argument) {
		Method method = ReflectionUtils.findMethod(Shelves.class, methodName,
				(argument instanceof List) ? List.class : String.class);
		LockDefinition definition = this.source.get(method, Shelves.class);
		return definition.resolve(this.source.evaluationContext(definition, new Shelves(), new Object[] { argument }),
				Duration.ofSeconds(30), Duration.ofSeconds(10));
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

	static class Shelves {

		@DistributedLock(name = "shelves", key = "#shelf", mode = LockMode.SHARED)
		public void read(String shelf) {
		}

		@DistributedLock(name = "shelves", key = "#shelves", permits = 2)
		public void limited(List<String> shelves) {
		}

		@DistributedLock(name = "shelves", key = "#shelves", mode = LockMode.SHARED)
		public void browse(List<String> shelves) {
		}

		@DistributedLock(name = "shelves", key = "#shelves")
		public void restock(List<String> shelves) {
		}

	}

}
