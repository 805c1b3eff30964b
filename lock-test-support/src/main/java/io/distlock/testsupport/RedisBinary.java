package io.distlock.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} executable and its version.
 * <p>
 * {@link #detect()} takes the first of: the {@value #ENVIRONMENT_VARIABLE} environment
 * variable, the {@value #PATH_PROPERTY} system property, {@code redis-server} on the
 * {@code PATH}, the binary shipped in the embedded-redis jar. Setting
 * {@code -D}{@value #CHOICE_PROPERTY}{@code =embedded} skips straight to the last one.
 *
 * @param path the executable
 * @param source where it was found, for reports
 * @param version its version, such as {@code 7.0.15}
 * @since 1.0.0
 */
public record RedisBinary(Path path, String source, String version) {

	/** Environment variable naming the binary. */
	public static final String ENVIRONMENT_VARIABLE = "REDIS_SERVER";

	/** System property naming the binary. */
	public static final String PATH_PROPERTY = "distlock.test.redis-server";

	/** System property that, set to {@code embedded}, forces the embedded-redis binary. */
	public static final String CHOICE_PROPERTY = "distlock.test.redis-binary";

	private static final Logger logger = LoggerFactory.getLogger(RedisBinary.class);

	private static final Pattern VERSION = Pattern.compile("\\bv=(\\S+)");

	private static final long VERSION_TIMEOUT_SECONDS = 10;

	/**
	 * Creates a new instance.
	 * @param path the executable
	 * @param source where it was found
	 * @param version its version
	 */
	public RedisBinary {
		Objects.requireNonNull(path, "'path' must not be null");
		Objects.requireNonNull(source, "'source' must not be null");
		Objects.requireNonNull(version, "'version' must not be null");
	}

	/**
	 * Returns the binary this JVM uses by default, resolved once.
	 * @return the binary
	 */
	public static RedisBinary detect() {
		return Detected.BINARY;
	}

	/**
	 * Returns the binary shipped in the embedded-redis jar, extracted once per machine.
	 * @return the embedded binary
	 */
	public static RedisBinary embedded() {
		return of(EmbeddedRedisBinary.extract(), "embedded-redis jar");
	}

	/**
	 * Returns the given executable, asking it for its version.
	 * @param path the executable
	 * @param source where it was found, for reports
	 * @return the binary
	 * @throws IllegalStateException if it is not an executable that reports a version
	 */
	public static RedisBinary of(Path path, String source) {
		if (!Files.isExecutable(path)) {
			throw new IllegalStateException("redis-server from " + source + " is not an executable file: " + path);
		}
		return new RedisBinary(path, source, versionOf(path));
	}

	/**
	 * Resolves the binary from the given environment and system properties.
	 * @param environment the environment variables
	 * @param properties the system properties
	 * @return the binary
	 */
	static RedisBinary resolve(Map<String, String> environment, Properties properties) {
		if ("embedded".equals(properties.getProperty(CHOICE_PROPERTY))) {
			return embedded();
		}
		String variable = environment.get(ENVIRONMENT_VARIABLE);
		if (variable != null && !variable.isBlank()) {
			return of(Path.of(variable), "environment variable " + ENVIRONMENT_VARIABLE);
		}
		String property = properties.getProperty(PATH_PROPERTY);
		if (property != null && !property.isBlank()) {
			return of(Path.of(property), "system property " + PATH_PROPERTY);
		}
		return onPath(environment.getOrDefault("PATH", "")).map((path) -> of(path, "PATH"))
			.orElseGet(RedisBinary::embedded);
	}

	@Override
	public String toString() {
		return "redis-server " + this.version + " at " + this.path + " (from " + this.source + ")";
	}

	private static Optional<Path> onPath(String path) {
		return Stream.of(path.split(File.pathSeparator))
			.filter((directory) -> !directory.isBlank())
			.map((directory) -> Path.of(directory, "redis-server"))
			.filter(Files::isExecutable)
			.findFirst();
	}

	private static String versionOf(Path path) {
		try {
			Process process = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			Matcher matcher = VERSION.matcher(output);
			if (!matcher.find()) {
				throw new IllegalStateException("'" + path + " --version' printed no version: " + output);
			}
			return matcher.group(1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run '" + path + " --version'", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running '" + path + " --version'", ex);
		}
	}

	/**
	 * Holds the binary detected on first use.
	 */
	private static final class Detected {

		static final RedisBinary BINARY = resolve(System.getenv(), System.getProperties());

		static {
			logger.info("Using {}", BINARY);
		}

	}

}
