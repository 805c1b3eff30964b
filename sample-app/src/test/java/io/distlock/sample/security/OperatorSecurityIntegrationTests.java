package io.distlock.sample.security;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClient;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OperatorSecurityConfiguration}: who may read the {@code locks} endpoint and who
 * may release a lock through it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.embedded-redis=always")
@ExtendWith(OutputCaptureExtension.class)
class OperatorSecurityIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Consumer<HttpHeaders> ANONYMOUS = (headers) -> {
	};

	@LocalServerPort
	private int port;

	@Autowired
	private LockManager locks;

	private RestClient client;

	@BeforeEach
	void createClient() {
		this.client = RestClient.create("http://127.0.0.1:" + this.port);
	}

	@Test
	void anonymousReleaseIsRefusedAndTheLockStaysHeld() {
		try (LockHandle held = hold("inventory:anonymous-release")) {
			assertThat(release("inventory:anonymous-release", ANONYMOUS)).isEqualTo(401);
			assertThat(held.isHeld()).isTrue();
			assertThat(heldKeys()).contains("inventory:anonymous-release");
		}
	}

	@Test
	void refusalChallengesToBasicUnlessThePageAsks() {
		assertThat(challenge(ANONYMOUS)).startsWith("Basic ");
		// The page's fetch sends this header to get a 401 without a challenge: no login dialog of the browser's own.
		assertThat(challenge((headers) -> headers.set("X-Requested-With", "XMLHttpRequest"))).isNull();
	}

	@Test
	void releaseWithAWrongPasswordIsRefused() {
		try (LockHandle held = hold("inventory:wrong-password")) {
			assertThat(release("inventory:wrong-password", operator("wrong"))).isEqualTo(401);
			assertThat(held.isHeld()).isTrue();
		}
	}

	@Test
	void operatorReleasesAHeldLockSoItCanBeTakenAtOnceWithAGreaterToken(CapturedOutput output) {
		try (LockHandle evicted = hold("inventory:operator-release")) {
			assertThat(release("inventory:operator-release", operator("operator"))).isEqualTo(204);
			assertThat(heldKeys()).doesNotContain("inventory:operator-release");
			try (LockHandle next = hold("inventory:operator-release")) {
				assertThat(next.fencingToken()).isGreaterThan(evicted.fencingToken());
			}
			assertThat(evicted.leaseLost()).succeedsWithin(Duration.ofSeconds(5));
			assertThat(evicted.isHeld()).isFalse();
		}
		assertThat(output).contains("key 'inventory:operator-release'").contains("released by force by operator");
	}

	@Test
	void releaseOfAKeyNothingHoldsIsNotFound() {
		assertThat(release("inventory:never-held", operator("operator"))).isEqualTo(404);
	}

	@Test
	void anyoneReadsTheClusterWideViewWithTheHolderOfALock() {
		try (LockHandle held = hold("inventory:shown-to-all")) {
			String page = clusterView();
			String lock = "$.locks[?(@.key == 'inventory:shown-to-all')]";
			assertThat(JsonPath.<List<String>>read(page, lock + ".holder")).singleElement()
				.asString()
				.matches("distlock-sample@.+ \\(pid " + ProcessHandle.current().pid() + "\\)");
			assertThat(JsonPath.<List<Number>>read(page, lock + ".fencingToken")).singleElement()
				.extracting(Number::longValue)
				.isEqualTo(held.fencingToken());
			assertThat(JsonPath.<List<String>>read(page, lock + ".name")).containsExactly("inventory");
		}
	}

	private List<String> heldKeys() {
		return JsonPath.read(clusterView(), "$.locks[*].key");
	}

	// One page holds every lock these tests take, and the few the sample's own jobs hold meanwhile.
	private String clusterView() {
		return this.client.get().uri("/actuator/locks?scope=cluster&limit=1000").retrieve().body(String.class);
	}

	private LockHandle hold(String key) {
		LockHandle handle = this.locks.lock(new LockRequest(key, TTL, Duration.ZERO, "inventory", true));
		assertThat(handle.await().acquired()).as("lock %s taken", key).isTrue();
		return handle;
	}

	private int release(String key, Consumer<HttpHeaders> credentials) {
		return this.client.delete()
			.uri("/actuator/locks/{key}", key)
			.headers(credentials)
			.exchange((request, response) -> response.getStatusCode().value());
	}

	private String challenge(Consumer<HttpHeaders> headers) {
		return this.client.delete()
			.uri("/actuator/locks/inventory:challenged")
			.headers(headers)
			.exchange((request, response) -> response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE));
	}

	private static Consumer<HttpHeaders> operator(String password) {
		return (headers) -> headers.setBasicAuth("operator", password);
	}

}
