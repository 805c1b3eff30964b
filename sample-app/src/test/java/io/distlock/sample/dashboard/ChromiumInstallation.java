package io.distlock.sample.dashboard;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's {@code chromium} and its {@code chromedriver} (package {@code chromium-driver}), found on
 * the {@code PATH}, to drive a headless browser with Selenium. Without them a test is skipped, or
 * fails under CI, which installs them.
 */
final class ChromiumInstallation {

	private static final List<String> BROWSERS = List.of("chromium", "chromium-browser");

	private static final List<String> DRIVERS = List.of("chromedriver");

	private final Path chromium;

	private final Path chromedriver;

	private ChromiumInstallation(Path chromium, Path chromedriver) {
		this.chromium = chromium;
		this.chromedriver = chromedriver;
	}

	/**
	 * Finds {@code chromium} and {@code chromedriver} on the {@code PATH}, else aborts the test, or
	 * fails it when the environment variable {@code CI} is set.
	 * @return the installation
	 */
	static ChromiumInstallation require() {
		Optional<Path> browser = onPath(BROWSERS);
		Optional<Path> driver = onPath(DRIVERS);
		List<String> missing = new ArrayList<>();
		if (browser.isEmpty()) {
			missing.add("chromium");
		}
		if (driver.isEmpty()) {
			missing.add("chromium-driver");
		}
		if (!missing.isEmpty()) {
			String packages = String.join(" ", missing);
			String reason = "Debian packages not installed: " + packages + " (apt-get install " + packages
					+ ", as .ci/run does): the page is not tested in a browser";
			if (System.getenv("CI") != null) {
				fail(reason + "; CI must install them");
			}
			Assumptions.abort(reason);
		}
		return new ChromiumInstallation(browser.get(), driver.get());
	}

	/**
	 * Starts a headless browser with a fresh profile under its own {@code chromedriver}; quitting the
	 * driver stops both and deletes the profile.
	 * @param width the width of the page's viewport, in pixels
	 * @param height its height, in pixels
	 * @return the driver
	 */
	ChromeDriver startHeadless(int width, int height) {
		// Given both binaries, Selenium Manager is never asked to find or download them.
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(this.chromedriver.toFile())
			.usingAnyFreePort()
			.build();
		// Without --user-data-dir, chromedriver gives each session a new temporary profile and deletes it on quit.
		ChromeOptions options = new ChromeOptions().setBinary(this.chromium.toFile())
			.addArguments("--headless=new", "--hide-scrollbars");
		if ("root".equals(System.getProperty("user.name"))) {
			// Chromium refuses to run as root inside its sandbox.
			options.addArguments("--no-sandbox");
		}
		ChromeDriver driver = new ChromeDriver(service, options);
		try {
			// --window-size would count the window's frame in; this sizes the page itself.
			driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
					Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
			return driver;
		}
		catch (RuntimeException ex) {
			try {
				driver.quit();
			}
			catch (RuntimeException quitFailure) {
				ex.addSuppressed(quitFailure);
			}
			throw ex;
		}
	}

	private static Optional<Path> onPath(List<String> names) {
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.filter((directory) -> !directory.isEmpty())
			.flatMap((directory) -> names.stream().map((name) -> Path.of(directory, name)))
			.filter(Files::isExecutable)
			.findFirst();
	}

}
