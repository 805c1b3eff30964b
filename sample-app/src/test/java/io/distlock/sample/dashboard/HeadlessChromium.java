package io.distlock.sample.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.springframework.util.FileSystemUtils;

/**
 * Debian's {@code chromium} run headless, once per page: its {@code --dump-dom} and
 * {@code --screenshot} modes, after a virtual time budget in which the page's timers and fetches
 * run, or a page left open to be driven over the DevTools protocol. Each run gets a fresh profile,
 * deleted afterwards.
 */
final class HeadlessChromium {

	private static final List<String> CANDIDATES = List.of("chromium", "chromium-browser");

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
			"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
			"--disable-sync", "--hide-scrollbars");

	private final Path binary;

	private final Duration budget;

	private HeadlessChromium(Path binary, Duration budget) {
		this.binary = binary;
		this.budget = budget;
	}

	/**
	 * Finds {@code chromium} on the {@code PATH}.
	 * @param budget the virtual time a page gets before it is dumped or shot
	 * @return the browser, empty if it is not installed
	 */
	static Optional<HeadlessChromium> find(Duration budget) {
		String path = System.getenv().getOrDefault("PATH", "");
		return Stream.of(path.split(java.io.File.pathSeparator))
			.filter((directory) -> !directory.isEmpty())
			.flatMap((directory) -> CANDIDATES.stream().map((name) -> Path.of(directory, name)))
			.filter(Files::isExecutable)
			.findFirst()
			.map((binary) -> new HeadlessChromium(binary, budget));
	}

	/**
	 * Loads a page and returns its DOM once the budget is spent.
	 * @param url the page
	 * @return the serialized DOM
	 */
	String dumpDom(String url) {
		return run(List.of("--dump-dom", url));
	}

	/**
	 * Loads a page and writes a PNG of it once the budget is spent.
	 * @param url the page
	 * @param file the PNG to write
	 * @param width the window width, in pixels
	 * @param height the window height, in pixels
	 */
	void screenshot(String url, Path file, int width, int height) {
		run(List.of("--screenshot=" + file.toAbsolutePath(), "--window-size=" + width + "," + height, url));
	}

	/**
	 * Opens a page in real time and leaves it open, to be driven over the DevTools protocol.
	 * @param url the page
	 * @return the page; closing it stops the browser
	 */
	DevToolsPage open(String url) {
		Path profile = createTempDirectory("chromium-profile-");
		List<String> command = command(profile, List.of("--remote-debugging-port=0", url));
		try {
			Process browser = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			return DevToolsPage.attach(browser, profile, TIMEOUT);
		}
		catch (IOException ex) {
			FileSystemUtils.deleteRecursively(profile.toFile());
			throw new UncheckedIOException("Cannot run " + command, ex);
		}
	}

	private List<String> command(Path profile, List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(this.binary.toString());
		command.addAll(FLAGS);
		command.add("--user-data-dir=" + profile);
		command.addAll(arguments);
		return command;
	}

	private String run(List<String> arguments) {
		Path profile = createTempDirectory("chromium-profile-");
		Path output = profile.resolveSibling(profile.getFileName() + ".out");
		Path errors = profile.resolveSibling(profile.getFileName() + ".err");
		List<String> command = command(profile,
				Stream.concat(Stream.of("--virtual-time-budget=" + this.budget.toMillis()), arguments.stream()).toList());
		try {
			Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
				.redirectError(errors.toFile())
				.start();
			if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor();
				throw new IllegalStateException(this.binary + " still running after " + TIMEOUT + ": killed; "
						+ Files.readString(errors));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(
						this.binary + " exited with " + process.exitValue() + ": " + Files.readString(errors));
			}
			return Files.readString(output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + this.binary, ex);
		}
		finally {
			FileSystemUtils.deleteRecursively(profile.toFile());
			output.toFile().delete();
			errors.toFile().delete();
		}
	}

	private static Path createTempDirectory(String prefix) {
		try {
			return Files.createTempDirectory(prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a Chromium profile directory", ex);
		}
	}

}
