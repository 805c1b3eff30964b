package io.distlock.aop;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.annotation.DistributedLock;
import io.distlock.aop.LockTestContexts.Probe;
import io.distlock.aop.LockTestContexts.Seen;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the SpEL and duration forms of {@link DistributedLock} attributes, evaluated by
 * {@link DistributedLockAspect} against a real redis-server.
 */
class LockExpressionIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final ApplicationContextRunner runner = LockTestContexts.runner(redis.server())
		.withBean("tenants", Tenants.class)
		.withBean("orders", Orders.class)
		.withPropertyValues("app.lock-name=billing", "app.region=eu", "app.ttl=4s");

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void keyFromParameterName() {
		this.runner.run((context) -> {
			Seen seen = context.getBean(Orders.class).byName("42");
			assertThat(seen.key()).isEqualTo("orders:42");
			assertThat(seen.held()).isTrue();
			assertThat(seen.pttl()).isPositive();
			assertThat(context.getBean(Probe.class).exists("orders:42")).isFalse();
		});
	}

	@Test
	void keyFromParameterIndex() {
		this.runner.run((context) -> assertThat(context.getBean(Orders.class).byIndex("a", 7).key())
			.isEqualTo("orders:a-7"));
	}

	@Test
	void keyFromNestedProperty() {
		Order order = new Order(new Customer("c-9"));
		this.runner
			.run((context) -> assertThat(context.getBean(Orders.class).nested(order).key()).isEqualTo("orders:c-9"));
	}

	@Test
	void keyFromBeanReference() {
		this.runner.run((context) -> assertThat(context.getBean(Orders.class).fromBean("7").key())
			.isEqualTo("orders:acme:7"));
	}

	@Test
	void keyFromRootObject() {
		this.runner.run((context) -> assertThat(context.getBean(Orders.class).fromRoot("x").key())
			.isEqualTo("orders:fromRoot:Orders:1:orders-bean"));
	}

	@Test
	void nameKeyAndTtlFromPlaceholders() {
		this.runner.run((context) -> {
			Seen seen = context.getBean(Orders.class).placeholders("5");
			assertThat(seen.key()).isEqualTo("billing:eu:5");
			assertThat(seen.pttl()).isBetween(3000L, 4000L);
		});
	}

	@Test
	void nameDefaultsToClassAndMethodWithoutKey() {
		this.runner.run((context) -> assertThat(context.getBean(Orders.class).unnamed().key())
			.isEqualTo("Orders.unnamed"));
	}

	@Test
	void ttlDefaultsToProperty() {
		this.runner.withPropertyValues("distlock.default-ttl=7s")
			.run((context) -> assertThat(context.getBean(Orders.class).unnamed().pttl()).isBetween(6000L, 7000L));
	}

	@Test
	void ttlFromDurationArgument() {
		this.runner.run((context) -> {
			assertThat(context.getBean(Orders.class).ttlOf(Duration.ofSeconds(3)).pttl()).isBetween(2000L, 3000L);
			assertThat(context.getBean(Orders.class).ttlOf(Duration.ofMinutes(2)).pttl()).isBetween(119_000L, 120_000L);
		});
	}

	@Test
	void ttlFromArithmeticOnArgumentInMilliseconds() {
		this.runner.run((context) -> assertThat(context.getBean(Orders.class).ttlInSeconds("job", 9).pttl())
			.isBetween(8000L, 9000L));
	}

	@Test
	void ttlFromTypeReference() {
		this.runner.run((context) -> assertThat(context.getBean(Orders.class).ttlFactory(6).pttl())
			.isBetween(5000L, 6000L));
	}

	@Test
	void ttlFromLiteralReturnedByExpression() {
		this.runner.run((context) -> {
			assertThat(context.getBean(Orders.class).ttlAny("45s").pttl()).isBetween(44_000L, 45_000L);
			assertThat(context.getBean(Orders.class).ttlAny("PT1M").pttl()).isBetween(59_000L, 60_000L);
			assertThat(context.getBean(Orders.class).ttlAny(2500L).pttl()).isBetween(1500L, 2500L);
		});
	}

	@Test
	void ttlThatIsNoDurationThrowsNamingMethodAttributeAndExpression() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			assertThatIllegalArgumentException().isThrownBy(() -> orders.ttlAny(new Object()))
				.withMessageContaining(Orders.class.getName() + ".ttlAny")
				.withMessageContaining("attribute 'ttl' = \"#value\"")
				.withMessageContaining("java.lang.Object");
			assertThatIllegalArgumentException().isThrownBy(() -> orders.ttlAny("soon"))
				.withMessageContaining("attribute 'ttl'")
				.withMessageContaining("'soon', which is not a duration literal");
			assertThatIllegalArgumentException().isThrownBy(() -> orders.ttlAny(0))
				.withMessageContaining("at least 1ms");
			assertThatIllegalArgumentException().isThrownBy(() -> orders.ttlAny(null))
				.withMessageContaining("evaluated to null");
			assertThat(orders.runs()).isZero();
		});
	}

	@Test
	void nullOrBlankKeyThrowsAndMethodDoesNotRun() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			assertThatIllegalArgumentException().isThrownBy(() -> orders.byName(null))
				.withMessageContaining(Orders.class.getName() + ".byName")
				.withMessageContaining("attribute 'key' = \"#orderId\"")
				.withMessageContaining("evaluated to null");
			assertThatIllegalArgumentException().isThrownBy(() -> orders.byName("  "))
				.withMessageContaining("evaluated to a blank string");
			assertThat(orders.runs()).isZero();
			assertThat(redis.server().lockKeyCount()).isZero();
		});
	}

	static class Tenants {

		public String current() {
			return "acme";
		}

	}

	static class Customer {

		private final String id;

		Customer(String id) {
			this.id = id;
		}

		public String getId() {
			return this.id;
		}

	}

	static class Order {

		private final Customer customer;

		Order(Customer customer) {
			this.customer = customer;
		}

		public Customer getCustomer() {
			return this.customer;
		}

	}

	static class Orders {

		private final AtomicInteger runs = new AtomicInteger();

		private final Probe probe;

		Orders(Probe probe) {
			this.probe = probe;
		}

		private Seen run() {
			this.runs.incrementAndGet();
			return this.probe.look();
		}

		public int runs() {
			return this.runs.get();
		}

		public String label() {
			return "orders-bean";
		}

		@DistributedLock(name = "orders", key = "#orderId")
		public Seen byName(@Nullable String orderId) {
			return run();
		}

		@DistributedLock(name = "orders", key = "#p0 + '-' + #a1")
		public Seen byIndex(String first, int second) {
			return run();
		}

		@DistributedLock(name = "orders", key = "#order.customer.id")
		public Seen nested(Order order) {
			return run();
		}

		@DistributedLock(name = "orders", key = "@tenants.current() + ':' + #id")
		public Seen fromBean(String id) {
			return run();
		}

		@DistributedLock(name = "orders", key = "#root.method.name + ':' + #root.targetClass.simpleName + ':'"
				+ " + #root.args.length + ':' + #root.target.label()")
		public Seen fromRoot(String id) {
			return run();
		}

		@DistributedLock(name = "${app.lock-name}", key = "'${app.region}:' + #id", ttl = "${app.ttl}")
		public Seen placeholders(String id) {
			return run();
		}

		@DistributedLock
		public Seen unnamed() {
			return run();
		}

		@DistributedLock(name = "ttl", ttl = "#ttl")
		public Seen ttlOf(Duration ttl) {
			return run();
		}

		@DistributedLock(name = "ttl", ttl = "#root.args[1] * 1000")
		public Seen ttlInSeconds(String job, int seconds) {
			return run();
		}

		@DistributedLock(name = "ttl", ttl = "T(java.time.Duration).ofSeconds(#seconds)")
		public Seen ttlFactory(long seconds) {
			return run();
		}

		@DistributedLock(name = "ttl", ttl = "#value")
		public Seen ttlAny(@Nullable Object value) {
			return run();
		}

	}

}
