package io.distlock.sample;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the sample's actuator endpoints.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.embedded-redis=always")
class ObservabilityIntegrationTests {

	private static final String DELIVERY_KEY = "$.held[?(@.name == 'inventory')].key";

	@LocalServerPort
	private int port;

	private RestClient client;

	@BeforeEach
	void createClient() {
		this.client = RestClient.create("http://127.0.0.1:" + this.port);
	}

	@Test
	void healthIsUpWithRedis() {
		String health = this.client.get().uri("/actuator/health").retrieve().body(String.class);
		assertThat(JsonPath.<String>read(health, "$.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health, "$.components.redis.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health, "$.components.distlock.status")).isEqualTo("UP");
	}

	@Test
	void locksEndpointShowsALockHeldByAnAsynchronousDelivery() {
		this.client.post().uri("/api/stock/{sku}?quantity=1", "shown").retrieve().toBodilessEntity();
		CompletableFuture<String> delivery = CompletableFuture.supplyAsync(() -> this.client.post()
			.uri("/api/deliver/{sku}?quantity=1", "shown")
			.retrieve()
			.body(String.class));
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		String locks;
		do {
			locks = this.client.get().uri("/actuator/locks").retrieve().body(String.class);
		}
		while (JsonPath.<List<String>>read(locks, DELIVERY_KEY).isEmpty() && System.nanoTime() < deadline);
		// The scheduled audit may hold its own lock meanwhile; only the delivery's is asserted.
		assertThat(JsonPath.<List<String>>read(locks, DELIVERY_KEY)).containsExactly("inventory:shown");
		assertThat(JsonPath.<List<Number>>read(locks, "$.held[?(@.key == 'inventory:shown')].fencingToken").get(0)
			.longValue()).isPositive();
		delivery.join();
		String after = this.client.get().uri("/actuator/locks").retrieve().body(String.class);
		assertThat(JsonPath.<List<String>>read(after, DELIVERY_KEY)).isEmpty();
	}

	@Test
	void prometheusShowsLockMetersOnceALockWasTaken() {
		this.client.post().uri("/api/stock/{sku}?quantity=1", "metered").retrieve().toBodilessEntity();
		this.client.post().uri("/api/reserve/{sku}", "metered").retrieve().toBodilessEntity();
		String scrape = this.client.get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(scrape).contains("distlock_acquire_seconds_count{").contains("name=\"inventory\"");
	}

}
