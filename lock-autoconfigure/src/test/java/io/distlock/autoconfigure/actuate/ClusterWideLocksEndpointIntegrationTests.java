package io.distlock.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.actuate.LocksEndpoint;
import io.distlock.actuate.LocksEndpoint.ClusterLocksDescriptor;
import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.core.HeldLock;
import io.distlock.core.HeldLocksPage;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.testsupport.RedisExtension;

import static io.distlock.core.HeldLockAssertions.allPages;
import static io.distlock.core.HeldLockAssertions.assertHeldBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@code GET /actuator/locks?scope=cluster} on a real redis-server, with two
 * application contexts standing for two applications sharing it: each sees every lock of both,
 * with its holder, token, lease, mode and waiters, and pages through many without a gap.
 */
class ClusterWideLocksEndpointIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	private static ApplicationContextRunner application(String name) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, EndpointAutoConfiguration.class,
					DistributedLockAutoConfiguration.class, DistributedLockActuatorAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
					"spring.data.redis.port=" + redis.server().port(), "spring.application.name=" + name,
					"management.endpoints.web.exposure.include=locks");
	}

	@Test
	void eitherApplicationSeesEveryLockWithItsHolderTokenLeaseAndWaiters() {
		application("orders").run((orders) -> application("billing").run((billing) -> {
			LockManager orderLocks = orders.getBean(LockManager.class);
			LockManager billingLocks = billing.getBean(LockManager.class);
			LockHandle report = orderLocks.acquire(LockRequest.of("report", TTL).withName("reports"));
			LockHandle export = billingLocks.acquire(LockRequest.of("export:7", TTL).withName("exports"));
			LockHandle waiting = billingLocks.lock(LockRequest.of("report", TTL).withWaitTime(Duration.ofSeconds(20)));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> locksByKey(billing).get("report").waiters() == 1);
			for (LocksEndpoint endpoint : List.of(orders.getBean(LocksEndpoint.class),
					billing.getBean(LocksEndpoint.class))) {
				ClusterLocksDescriptor view = (ClusterLocksDescriptor) endpoint.locks("cluster", null, null);
				assertThat(view.next()).as("the cursor after the only page").isNull();
				Map<String, HeldLock> byKey = byKey(view.locks());
				assertThat(byKey).containsOnlyKeys("report", "export:7");
				assertThat(byKey.get("report")).satisfies((lock) -> {
					assertHeldBy(lock, "orders", report, "reports", 1);
					assertThat(lock.remainingTtl()).isPositive().isLessThanOrEqualTo(TTL);
				});
				assertHeldBy(byKey.get("export:7"), "billing", export, "exports", 0);
			}
			report.unlock();
			assertThat(waiting.await().acquired()).isTrue();
			assertThat(locksByKey(orders).get("report")).satisfies((lock) -> {
				assertThat(lock.holder()).startsWith("billing@");
				assertThat(lock.fencingToken()).isEqualTo(waiting.fencingToken()).isGreaterThan(report.fencingToken());
			});
			waiting.unlock();
			export.unlock();
			assertThat(locksByKey(orders)).isEmpty();
		}));
	}

	@Test
	void pagesThroughAThousandLocksOfTwoApplicationsWithoutDuplicatesOrGaps() {
		application("orders").run((orders) -> application("billing").run((billing) -> {
			List<LockHandle> held = new ArrayList<>();
			for (int i = 0; i < 1_000; i++) {
				LockManager locks = ((i % 2 == 0) ? orders : billing).getBean(LockManager.class);
				held.add(locks.acquire(LockRequest.of("item:" + i, TTL)));
			}
			LocksEndpoint endpoint = orders.getBean(LocksEndpoint.class);
			List<HeldLocksPage> pages = allPages((cursor) -> {
				ClusterLocksDescriptor page = (ClusterLocksDescriptor) endpoint.locks("cluster", 100, cursor);
				return new HeldLocksPage(page.locks(), page.next());
			});
			assertThat(pages).as("pages").hasSizeGreaterThanOrEqualTo(5)
				.allSatisfy((page) -> assertThat(page.locks()).hasSizeLessThanOrEqualTo(200));
			List<String> seen = pages.stream().flatMap((page) -> page.locks().stream()).map(HeldLock::key).toList();
			assertThat(seen).as("keys seen, counting duplicates").hasSize(1_000);
			assertThat(new HashSet<>(seen)).as("distinct keys seen").hasSize(1_000);
			Set<String> holders = pages.stream()
				.flatMap((page) -> page.locks().stream())
				.map((lock) -> lock.holder().substring(0, lock.holder().indexOf('@')))
				.collect(Collectors.toSet());
			assertThat(holders).containsExactlyInAnyOrder("orders", "billing");
			held.forEach(LockHandle::unlock);
			assertThat(redis.server().lockKeyCount()).isZero();
		}));
	}

	@Test
	void refusesAnUnknownScopeANonPositiveLimitAndAForeignCursor() {
		application("orders").run((orders) -> {
			LocksEndpoint endpoint = orders.getBean(LocksEndpoint.class);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.locks("everywhere", null, null))
				.withMessageContaining("'everywhere'");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.locks("cluster", 0, null))
				.withMessageContaining("at least 1");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.locks("cluster", 10, "node/7"))
				.withMessageContaining("'node/7'");
			assertThat(endpoint.locks("local", null, null)).isInstanceOf(LocksEndpoint.LocksDescriptor.class);
		});
	}

	private static Map<String, HeldLock> locksByKey(org.springframework.context.ApplicationContext context) {
		return byKey(((ClusterLocksDescriptor) context.getBean(LocksEndpoint.class).locks("cluster", null, null))
			.locks());
	}

	private static Map<String, HeldLock> byKey(List<HeldLock> locks) {
		return locks.stream().collect(Collectors.toMap(HeldLock::key, Function.identity()));
	}

}
