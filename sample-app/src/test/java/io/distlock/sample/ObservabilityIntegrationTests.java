package io.distlock.sample;

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
	}

	@Test
	void prometheusShowsLockMetersOnceALockWasTaken() {
		this.client.post().uri("/api/stock/{sku}?quantity=1", "metered").retrieve().toBodilessEntity();
		this.client.post().uri("/api/reserve/{sku}", "metered").retrieve().toBodilessEntity();
		String scrape = this.client.get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(scrape).contains("distlock_acquire_seconds_count{").contains("name=\"inventory\"");
	}

}
