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
import org.json.JSONObject;
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
 * Tests for the page at {@code /}, loaded in headless Chromium: what it shows, and its release of
 * a lock by force as the operator.
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

	private static final String RELEASED_KEY = "inventory:browser-released";

	private static final String OUTCOME = "document.querySelector('#release-outcome').textContent";

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
		HeadlessChromium chromium = chromium();
		this.client.post().uri("/api/load?sku=browser&stock=20&requests=40&concurrency=4").retrieve().toBodilessEntity();
		awaitJson("/api/activity", "$.leader.instance", "browser"::equals);
		String url = url();
		String dom;
		CompletableFuture<Integer> reservation;
		try (LockHandle held = hold(HELD_KEY)) {
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
		assertThat(element(dom, "table", "cluster")).containsPattern("<tr data-key=\"" + HELD_KEY + "\"><td>" + HELD_KEY
				+ "</td><td>inventory</td><td>distlock-sample@[^<]+ \\(pid " + ProcessHandle.current().pid()
				+ "\\)</td><td>\\d+</td><td>[\\d.]+ m?s</td><td>EXCLUSIVE</td><td>\\d+</td>"
				+ "<td><button type=\"button\" class=\"danger\" data-release=\"" + HELD_KEY + "\">Release</button>");
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

	@Test
	void releaseButtonFreesALockOnceTheOperatorConfirms() {
		HeadlessChromium chromium = chromium();
		try (LockHandle held = hold(RELEASED_KEY); DevToolsPage page = chromium.open(url())) {
			awaitRow(page, true);
			signIn(page, "operator");
			assertThat(page.clickAndAnswerDialog(releaseButton(), true)).startsWith("Release " + RELEASED_KEY + ",");
			Poll.until("outcome", () -> page.evaluate(OUTCOME), (RELEASED_KEY + ": released")::equals, TIMEOUT);
			assertThat(held.leaseLost()).succeedsWithin(TIMEOUT);
			awaitRow(page, false);
			try (LockHandle next = hold(RELEASED_KEY)) {
				assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
			}
		}
	}

	@Test
	void cancellingTheConfirmationLeavesTheLockHeld() {
		HeadlessChromium chromium = chromium();
		try (LockHandle held = hold(RELEASED_KEY); DevToolsPage page = chromium.open(url())) {
			awaitRow(page, true);
			signIn(page, "operator");
			page.clickAndAnswerDialog(releaseButton(), false);
			Poll.until("outcome", () -> page.evaluate(OUTCOME), (RELEASED_KEY + ": not released (cancelled)")::equals,
					TIMEOUT);
			assertThat(held.isHeld()).isTrue();
			assertThat(page.evaluate(rowPresent())).isEqualTo(true);
		}
	}

	@Test
	void releaseWithAWrongPasswordIsRefusedAndSaysSo() {
		HeadlessChromium chromium = chromium();
		try (LockHandle held = hold(RELEASED_KEY); DevToolsPage page = chromium.open(url())) {
			awaitRow(page, true);
			signIn(page, "not-the-password");
			page.clickAndAnswerDialog(releaseButton(), true);
			Poll.until("outcome", () -> page.evaluate(OUTCOME), (outcome) -> outcome.toString().startsWith(RELEASED_KEY
					+ ": refused (401"), TIMEOUT);
			assertThat(held.isHeld()).isTrue();
			assertThat(page.evaluate(rowPresent())).isEqualTo(true);
		}
	}

	private static HeadlessChromium chromium() {
		HeadlessChromium chromium = HeadlessChromium.find(BUDGET).orElse(null);
		assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium; .ci/run installs it): "
				+ "the page is not tested in a browser");
		return chromium;
	}

	private String url() {
		return "http://127.0.0.1:" + this.port + "/";
	}

	private LockHandle hold(String key) {
		LockHandle handle = this.locks.lock(new LockRequest(key, Duration.ofSeconds(30), Duration.ZERO, "inventory",
				true));
		assertThat(handle.await().acquired()).as("lock %s taken", key).isTrue();
		return handle;
	}

	private static void signIn(DevToolsPage page, String password) {
		page.evaluate("document.querySelector('#operator [name=username]').value = 'operator'");
		page.evaluate("document.querySelector('#operator [name=password]').value = " + JSONObject.quote(password));
	}

	private static String releaseButton() {
		return "#cluster button[data-release=\"" + RELEASED_KEY + "\"]";
	}

	private static String rowPresent() {
		return "document.querySelector('#cluster tr[data-key=\"" + RELEASED_KEY + "\"]') !== null";
	}

	private static void awaitRow(DevToolsPage page, boolean present) {
		Poll.until("row of " + RELEASED_KEY + " in #cluster", () -> page.evaluate(rowPresent()),
				Boolean.valueOf(present)::equals, TIMEOUT);
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
