package io.distlock.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import redis.clients.jedis.Jedis;

import io.distlock.actuate.LocksEndpointWebExtension;
import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.core.LockHandle;
import io.distlock.core.LockLostException;
import io.distlock.core.LockManager;
import io.distlock.core.LockNotAcquiredException;
import io.distlock.core.LockRequest;
import io.distlock.redis.Witness;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@code DELETE /actuator/locks/{key}} over HTTP on a real redis-server: an operator
 * of one application ("orders", a web server with Spring Security) frees a lock another
 * application ("billing") holds while it works. The next holder gets the lock at once with a
 * greater token, the evicted holder hears of it at its next renewal, its fenced write is refused
 * and its release leaves the new holder's lock alone.
 */
class ForcedReleaseIntegrationTests {

	/** Renewed every second, so the evicted holder hears of it within about a second. */
	private static final Duration TTL = Duration.ofSeconds(3);

	private static final String OPERATOR = "operator";

	private static final String PASSWORD = "secret";

	private static final String UNRESTRICTED = "management.endpoint.locks.access=unrestricted";

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final HttpClient http = HttpClient.newHttpClient();

	private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

	private Witness witness;

	@BeforeEach
	void start() {
		redis.flushAll();
		this.witness = new Witness(redis.server().host(), redis.server().port(), "witness:");
		this.warnings.start();
	}

	@AfterEach
	void stop() {
		extensionLogger().detachAppender(this.warnings);
		this.witness.close();
	}

	@Test
	void anOperatorFreesALockAnotherApplicationHoldsAndItsHolderLearnsItAtItsNextRenewal() throws Exception {
		try (ConfigurableApplicationContext orders = webApplication("orders", UNRESTRICTED)) {
			billing().run((billing) -> {
				LockHandle evicted = billing.getBean(LockManager.class)
					.acquire(LockRequest.of("report", TTL).withName("reports"));
				assertThat(this.witness.fencedWrite("report", evicted.fencingToken())).isTrue();
				LockHandle next = orders.getBean(LockManager.class)
					.lock(LockRequest.of("report", TTL).withName("reports").withWaitTime(Duration.ofSeconds(20)));

				assertThat(delete(orders, "report", null)).as("anonymous").isEqualTo(401);
				assertThat(delete(orders, "report", PASSWORD + "-wrong")).as("a wrong password").isEqualTo(401);
				assertThat(next.result()).as("still waiting").isNotDone();

				assertThat(delete(orders, "report", PASSWORD)).as("the operator").isEqualTo(204);
				assertThat(next.result().get(5, TimeUnit.SECONDS).acquired()).as("the waiter, at once").isTrue();
				assertThat(next.fencingToken()).isGreaterThan(evicted.fencingToken());
				assertThat(this.witness.fencedWrite("report", next.fencingToken())).isTrue();

				LockLostException lost = evicted.leaseLost().get(TTL.toMillis() + 2_000, TimeUnit.MILLISECONDS);
				assertThat(lost.getMessage()).contains("report").contains("an operator released the lock by force");
				assertThat(evicted.isHeld()).isFalse();
				assertThat(this.witness.fencedWrite("report", evicted.fencingToken()))
					.as("the evicted holder's fenced write").isFalse();
				evicted.unlock();
				assertThatExceptionOfType(LockNotAcquiredException.class).as("after the evicted holder's unlock()")
					.isThrownBy(() -> billing.getBean(LockManager.class).acquire(LockRequest.of("report", TTL)));
				assertThat(next.isHeld()).isTrue();

				assertThat(orders.getBean(MeterRegistry.class).counter("distlock.forced", "name", "reports").count())
					.isEqualTo(1);
				assertThat(this.warnings.list).singleElement().satisfies((event) -> {
					assertThat(event.getLevel()).hasToString("WARN");
					assertThat(event.getFormattedMessage()).contains("'reports'", "key 'report'",
							"fencing token " + evicted.fencingToken(), "billing@", "by force by " + OPERATOR);
				});
				next.unlock();
			});
		}
		try (Jedis jedis = redis.server().jedis()) {
			assertThat(jedis.exists("lock:report")).as("the lock left behind").isFalse();
		}
	}

	@Test
	void aKeyWithSlashesIsReleasedItsHolderInTheSameProcessHearsAtOnceAndAKeyNothingHoldsIsNotFound() throws Exception {
		try (ConfigurableApplicationContext orders = webApplication("orders", UNRESTRICTED)) {
			LockHandle held = orders.getBean(LockManager.class).acquire(LockRequest.of("exports/2026/12", TTL));
			assertThat(delete(orders, "never-held", PASSWORD)).isEqualTo(404);
			assertThat(held.isHeld()).isTrue();
			assertThat(delete(orders, "exports/2026/12", PASSWORD)).isEqualTo(204);
			assertThat(held.leaseLost().get(1, TimeUnit.SECONDS).getMessage()).as("a holder of the same process, at once")
				.contains("an operator released the lock by force");
			LockHandle next = orders.getBean(LockManager.class).acquire(LockRequest.of("exports/2026/12", TTL));
			assertThat(next.isHeld()).isTrue();
			assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
			next.unlock();
			held.unlock();
			assertThat(next.isHeld()).as("the evicted handle's unlock() leaves the next holder alone").isFalse();
		}
	}

	@Test
	void theEndpointStaysReadOnlyUnlessItsAccessIsRaised() throws Exception {
		try (ConfigurableApplicationContext orders = webApplication("orders")) {
			LockHandle held = orders.getBean(LockManager.class).acquire(LockRequest.of("report", TTL));
			assertThat(delete(orders, "report", PASSWORD)).isBetween(400, 499);
			assertThat(held.isHeld()).isTrue();
			assertThat(redis.server().lockKeyCount()).isOne();
			assertThat(this.warnings.list).isEmpty();
			held.unlock();
		}
	}

	private int delete(ConfigurableApplicationContext application, String key, String password) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + application.getEnvironment().getProperty("local.server.port")
					+ "/actuator/locks/" + key))
			.DELETE();
		if (password != null) {
			request.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((OPERATOR + ":" + password).getBytes(StandardCharsets.UTF_8)));
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	/**
	 * Starts the operators' web application, recording the extension's log from then on: the
	 * start resets the logging system, which would drop an appender added before.
	 */
	private ConfigurableApplicationContext webApplication(String name, String... properties) {
		ConfigurableApplicationContext application = new SpringApplicationBuilder(OperatorApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.application.name=" + name,
					"spring.data.redis.host=" + redis.server().host(), "spring.data.redis.port=" + redis.server().port(),
					"management.endpoints.web.exposure.include=locks")
			.properties(properties)
			.run();
		extensionLogger().addAppender(this.warnings);
		return application;
	}

	private static ApplicationContextRunner billing() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					DistributedLockAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
					"spring.data.redis.port=" + redis.server().port(), "spring.application.name=billing");
	}

	private static Logger extensionLogger() {
		return (Logger) LoggerFactory.getLogger(LocksEndpointWebExtension.class);
	}

	/**
	 * A web application whose write operations on the locks endpoint need the operator, over
	 * HTTP Basic; everything else is open.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class OperatorApplication {

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername(OPERATOR).password("{noop}" + PASSWORD).roles("OPERATOR").build());
		}

		@Bean
		SecurityFilterChain security(HttpSecurity http) throws Exception {
			return http
				.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.DELETE, "/actuator/locks/**")
					.hasRole("OPERATOR")
					.anyRequest()
					.permitAll())
				.httpBasic(Customizer.withDefaults())
				// No browser sessions here: HTTP Basic on every call, so no CSRF token to send.
				.csrf((csrf) -> csrf.disable())
				.build();
		}

	}

}
