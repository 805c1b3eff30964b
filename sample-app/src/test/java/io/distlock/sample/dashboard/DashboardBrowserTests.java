package io.distlock.sample.dashboard;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for the page at {@code /}, loaded in headless Chromium.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis=always", "sample.instance-id=browser",
				// Long enough for the reservation to stay queued while Chromium renders the page.
				"sample.reserve.wait-time=60s" })
class DashboardBrowserTests {

	private static final Duration BUDGET = Duration.ofMillis(2500);

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

	private static final int WIDTH = 1280;

	private static final int HEIGHT = 900;

	private static final String HELD_KEY = "inventory:browser-held";

	private static final Configuration JSON = Configuration.defaultConfiguration().addOptions(Option.SUPPRESS_EXCEPTIONS);

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
	void pageShowsHeldAndAwaitedLocksTheTimelineTheMetersAndTheLeader() throws IOException {
		HeadlessChromium chromium = HeadlessChromium.find(BUDGET).orElse(null);
		assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium; .ci/run installs it): "
				+ "the page is not tested in a browser");
		this.client.post().uri("/api/load?sku=browser&stock=20&requests=40&concurrency=4").retrieve().toBodilessEntity();
		awaitJson("/api/activity", "$.leader.instance", "browser"::equals);
		String url = "http://127.0.0.1:" + this.port + "/";
		String dom;
		CompletableFuture<Integer> reservation;
		try (LockHandle held = this.locks.lock(new LockRequest(HELD_KEY, Duration.ofSeconds(30), Duration.ZERO,
				"inventory", true))) {
			assertThat(held.await().acquired()).isTrue();
			this.client.post().uri("/api/stock/browser-held?quantity=1").retrieve().toBodilessEntity();
			reservation = CompletableFuture.supplyAsync(() -> this.client.post()
				.uri("/api/reserve/browser-held")
				.exchange((request, response) -> response.getStatusCode().value()));
			awaitJson("/actuator/locks", "$.waiting[?(@.key == '" + HELD_KEY + "')].waiters",
					(waiters) -> waiters.equals(List.of(1)));
			dom = chromium.dumpDom(url);
			Files.createDirectories(SCREENSHOT.getParent());
			Files.deleteIfExists(SCREENSHOT);
			chromium.screenshot(url, SCREENSHOT, WIDTH, HEIGHT);
		}
		assertThat(reservation.join()).as("status of the reservation that waited for the lock").isEqualTo(200);
		assertThat(element(dom, "table", "held")).contains("<tr data-key=\"" + HELD_KEY + "\">");
		assertThat(element(dom, "table", "waiting")).containsPattern(
				"<tr data-key=\"" + HELD_KEY + "\"><td>" + HELD_KEY + "</td><td>1</td><td>yes</td></tr>");
		assertThat(dom).containsPattern("<div class=\"group\" data-key=\"inventory:browser\" data-overlaps=\"0\">"
				+ "<div class=\"title\"><b>inventory:browser</b><span class=\"ok\">acquisitions: \\d+ · overlapping: 0"
				+ "</span></div><div class=\"lane\" data-instance=\"browser\">");
		assertThat(dom).containsPattern("<div class=\"bar\" style=\"left:[\\d.e-]+%;width:[\\d.e-]+%;");
		assertThat(element(dom, "table", "meters")).containsPattern(
				"<tr data-name=\"inventory\"><td>inventory</td><td>\\d+</td><td>\\d+ %</td><td>0 / 0</td><td>[\\d.]+ m?s</td>");
		assertThat(dom).contains("<span class=\"chip\" id=\"leader\" data-instance=\"browser\">leader <b>browser</b>");
		BufferedImage image = ImageIO.read(SCREENSHOT.toFile());
		assertThat(image.getWidth()).isEqualTo(WIDTH);
		assertThat(image.getHeight()).isEqualTo(HEIGHT);
	}

	private static String element(String dom, String tag, String id) {
		Matcher matcher = Pattern.compile("<" + tag + " id=\"" + id + "\">.*?</" + tag + ">", Pattern.DOTALL)
			.matcher(dom);
		assertThat(matcher.find()).as("<%s id=\"%s\"> in the page", tag, id).isTrue();
		return matcher.group();
	}

	private void awaitJson(String uri, String path, Predicate<Object> condition) {
		Poll.until(path + " of " + uri,
				() -> JsonPath.using(JSON).parse(this.client.get().uri(uri).retrieve().body(String.class)).read(path),
				condition, TIMEOUT);
	}

}
