package io.distlock.autoconfigure.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.core.LockHandle;
import io.distlock.core.LockLostException;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.zookeeper.ZooKeeperServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the {@code locks} endpoint over HTTP on ZooKeeper ({@code distlock.backend=zookeeper},
 * an in-process server): the operators' web application ("orders") sees the lock another
 * application ("billing") holds, with its holder and orders' wait, and frees it by force
 * ({@code DELETE}); its waiter gets it at once with a greater token and billing's handle hears of
 * it at its next renewal.
 */
class ZooKeeperLocksEndpointIntegrationTests {

	/** Renewed every second, so the evicted holder hears of it within about a second. */
	private static final Duration TTL = Duration.ofSeconds(3);

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void theOperatorsApplicationSeesAndFreesALockAnotherApplicationHolds() throws Exception {
		try (ConfigurableApplicationContext orders = webApplication()) {
			billing().run((billing) -> {
				LockManager billingLocks = billing.getBean(LockManager.class);
				LockHandle evicted = billingLocks.acquire(LockRequest.of("report", TTL).withName("reports"));
				LockHandle slashed = billingLocks.acquire(LockRequest.of("exports/2026/12", TTL));
				LockHandle next = orders.getBean(LockManager.class)
					.lock(LockRequest.of("report", TTL).withWaitTime(Duration.ofSeconds(20)));
				await().atMost(Duration.ofSeconds(5)).until(() -> reportLock(orders).read("$[0].waiters").equals(1));
				DocumentContext report = reportLock(orders);
				assertThat((String) report.read("$[0].name")).isEqualTo("reports");
				assertThat((String) report.read("$[0].holder")).startsWith("billing@");
				assertThat(((Number) report.read("$[0].fencingToken")).longValue()).isEqualTo(evicted.fencingToken());
				assertThat((String) report.read("$[0].mode")).isEqualTo("EXCLUSIVE");

				assertThat(delete(orders, "report")).isEqualTo(204);
				assertThat(next.result().get(5, TimeUnit.SECONDS).acquired()).as("the waiter, at once").isTrue();
				assertThat(next.fencingToken()).isGreaterThan(evicted.fencingToken());
				LockLostException lost = evicted.leaseLost().get(TTL.toMillis(), TimeUnit.MILLISECONDS);
				assertThat(lost.getMessage()).contains("report").contains("an operator released the lock by force");
				evicted.unlock();
				assertThat(next.isHeld()).as("the next holder, after the evicted holder's unlock()").isTrue();

				assertThat(delete(orders, "exports/2026/12")).as("a key with slashes").isEqualTo(204);
				assertThat(slashed.leaseLost().get(TTL.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
				slashed.unlock();
				assertThat(delete(orders, "never-held")).isEqualTo(404);
				next.unlock();
			});
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> zookeeper.children("/distlock").isEmpty());
	}

	/** The cluster-wide view's entries for the key {@code report}, as JSON. */
	private DocumentContext reportLock(ConfigurableApplicationContext application)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(uri(application, "/actuator/locks?scope=cluster")).build();
		String body = this.http.send(request, HttpResponse.BodyHandlers.ofString()).body();
		List<Object> report = JsonPath.parse(body).read("$.locks[?(@.key == 'report')]");
		return JsonPath.parse(report);
	}

	private int delete(ConfigurableApplicationContext application, String key) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(uri(application, "/actuator/locks/" + key)).DELETE().build();
		return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static URI uri(ConfigurableApplicationContext application, String path) {
		return URI.create("http://127.0.0.1:" + application.getEnvironment().getProperty("local.server.port") + path);
	}

	private static ConfigurableApplicationContext webApplication() {
		return new SpringApplicationBuilder(OpenApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.application.name=orders",
					"spring.autoconfigure.exclude=" + DataRedisAutoConfiguration.class.getName(),
					"distlock.backend=zookeeper", "distlock.zookeeper.connect-string=" + zookeeper.connectString(),
					"management.endpoints.web.exposure.include=locks", "management.endpoint.locks.access=unrestricted")
			.run();
	}

	private static ApplicationContextRunner billing() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
			.withPropertyValues("distlock.backend=zookeeper", "spring.application.name=billing",
					"distlock.zookeeper.connect-string=" + zookeeper.connectString());
	}

	/**
	 * A web application open to every request, since securing the endpoint is not under test here.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class OpenApplication {

		@Bean
		SecurityFilterChain security(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				// No browser sessions here, so no CSRF token to send.
				.csrf((csrf) -> csrf.disable())
				.build();
		}

	}

}
