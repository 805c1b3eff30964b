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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Wait;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the page at {@code /}, driven in headless Chromium with Selenium: what it shows, and its
 * release of a lock by force as the operator.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis=always", "sample.instance-id=browser",
				// Long enough for the reservation to stay queued while Chromium renders the page.
				"sample.reserve.wait-time=60s",
				// Selenium warns that its DevTools API, unused here, has no binding for this Chromium.
				"logging.level.org.openqa.selenium.devtools.CdpVersionFinder=error",
				"logging.level.org.openqa.selenium.chromium.ChromiumDriver=error" })
class DashboardBrowserTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

	private static final int WIDTH = 1280;

	private static final int HEIGHT = 900;

	private static final String HELD_KEY = "inventory:browser-held";

	private static final String RELEASED_KEY = "inventory:browser-released";

	private static final By OUTCOME = By.id("release-outcome");

	private static final By RELEASED_ROW = By.cssSelector("#cluster tr[data-key=\"" + RELEASED_KEY + "\"]");

	private static final Configuration JSON = Configuration.defaultConfiguration().addOptions(Option.SUPPRESS_EXCEPTIONS);

	@LocalServerPort
	private int port;

	@Autowired
	private LockManager locks;

	private RestClient client;

	private ChromeDriver driver;

	private Wait<WebDriver> wait;

	@BeforeEach
	void createClientAndStartBrowser() {
		this.client = RestClient.create("http://127.0.0.1:" + this.port);
		this.driver = ChromiumInstallation.require().startHeadless(WIDTH, HEIGHT);
		// The page redraws its tables every second: an element just found may be replaced before it is used.
		this.wait = new WebDriverWait(this.driver, TIMEOUT).ignoring(StaleElementReferenceException.class);
	}

	@AfterEach
	void quitBrowser() {
		// Null when the browser is not installed or did not start.
		if (this.driver != null) {
			this.driver.quit();
		}
	}

	@Test
	void pageShowsHeldAndAwaitedLocksTheTimelineTheMetersAndTheLeader() throws IOException {
		this.client.post().uri("/api/load?sku=browser&stock=20&requests=40&concurrency=4").retrieve().toBodilessEntity();
		awaitJson("/api/activity", "$.leader.instance", "browser"::equals);
		String dom;
		CompletableFuture<Integer> reservation;
		try (LockHandle held = hold(HELD_KEY)) {
			this.client.post().uri("/api/stock/browser-held?quantity=1").retrieve().toBodilessEntity();
			reservation = CompletableFuture.supplyAsync(() -> this.client.post()
				.uri("/api/reserve/browser-held")
				.exchange((request, response) -> response.getStatusCode().value()));
			awaitJson("/actuator/locks", "$.waiting[?(@.key == '" + HELD_KEY + "')].waiters",
					(waiters) -> waiters.equals(List.of(1)));
			this.driver.get(url());
			// The page draws each poll's answers together; these are what the assertions below read.
			for (String shown : List.of("#held tr[data-key=\"" + HELD_KEY + "\"]",
					"#cluster tr[data-key=\"" + HELD_KEY + "\"]", "#waiting tr[data-key=\"" + HELD_KEY + "\"]",
					"#timeline .group[data-key=\"inventory:browser\"] .bar", "#meters tr[data-name=\"inventory\"]",
					"#leader[data-instance=\"browser\"]")) {
				this.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(shown)));
			}
			dom = this.driver.getPageSource();
			Files.createDirectories(SCREENSHOT.getParent());
			Files.write(SCREENSHOT, this.driver.getScreenshotAs(OutputType.BYTES));
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
		try (LockHandle held = hold(RELEASED_KEY)) {
			openSignedIn("operator");
			release(true);
			this.wait.until(ExpectedConditions.textToBe(OUTCOME, RELEASED_KEY + ": released"));
			assertThat(held.leaseLost()).succeedsWithin(TIMEOUT);
			this.wait.until(ExpectedConditions.numberOfElementsToBe(RELEASED_ROW, 0));
			try (LockHandle next = hold(RELEASED_KEY)) {
				assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
			}
		}
	}

	@Test
	void cancellingTheConfirmationLeavesTheLockHeld() {
		try (LockHandle held = hold(RELEASED_KEY)) {
			openSignedIn("operator");
			release(false);
			this.wait.until(ExpectedConditions.textToBe(OUTCOME, RELEASED_KEY + ": not released (cancelled)"));
			assertThat(held.isHeld()).isTrue();
			assertThat(this.driver.findElements(RELEASED_ROW)).isNotEmpty();
		}
	}

	@Test
	void releaseWithAWrongPasswordIsRefusedAndSaysSo() {
		try (LockHandle held = hold(RELEASED_KEY)) {
			openSignedIn("not-the-password");
			release(true);
			this.wait.until(ExpectedConditions.textMatches(OUTCOME,
					Pattern.compile("^" + Pattern.quote(RELEASED_KEY + ": refused (401"))));
			assertThat(held.isHeld()).isTrue();
			assertThat(this.driver.findElements(RELEASED_ROW)).isNotEmpty();
		}
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

	/** Opens the page once it lists {@link #RELEASED_KEY}, and types the operator's name and a password. */
	private void openSignedIn(String password) {
		this.driver.get(url());
		this.wait.until(ExpectedConditions.presenceOfElementLocated(RELEASED_ROW));
		this.driver.findElement(By.cssSelector("#operator [name=username]")).sendKeys("operator");
		this.driver.findElement(By.cssSelector("#operator [name=password]")).sendKeys(password);
	}

	/** Clicks the Release button of {@link #RELEASED_KEY} and answers the confirmation it asks for. */
	private void release(boolean confirm) {
		By button = By.cssSelector("#cluster button[data-release=\"" + RELEASED_KEY + "\"]");
		this.wait.until((driver) -> {
			driver.findElement(button).click();
			return true;
		});
		Alert confirmation = this.wait.until(ExpectedConditions.alertIsPresent());
		assertThat(confirmation.getText()).startsWith("Release " + RELEASED_KEY + ",");
		if (confirm) {
			confirmation.accept();
		}
		else {
			confirmation.dismiss();
		}
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
