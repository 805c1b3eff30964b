package io.distlock.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

import redis.embedded.core.ExecutableProvider;

/**
 * Extracts the {@code redis-server} binary shipped in the embedded-redis jar, once per
 * machine, into {@code ${java.io.tmpdir}/distlock-test-redis-bin/}.
 *
 * @since 1.0.0
 */
final class EmbeddedRedisBinary {

	private static final Path CACHE = Path.of(System.getProperty("java.io.tmpdir"), "distlock-test-redis-bin");

	private EmbeddedRedisBinary() {
	}

	/**
	 * Returns the extracted binary for this platform, extracting it if no JVM did yet.
	 * @return the executable
	 */
	static synchronized Path extract() {
		String resource = resourceFor(System.getProperty("os.name"), System.getProperty("os.arch"));
		Path target = CACHE.resolve(resource);
		if (Files.isExecutable(target)) {
			return target;
		}
		try {
			Files.createDirectories(CACHE);
			Path partial = Files.createTempFile(CACHE, resource, ".part");
			try (InputStream binary = EmbeddedRedisBinary.class.getResourceAsStream("/" + resource)) {
				if (binary == null) {
					throw new IllegalStateException("Resource '" + resource + "' is missing from the classpath");
				}
				Files.copy(binary, partial, StandardCopyOption.REPLACE_EXISTING);
				Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
				// Atomic, so a concurrent JVM sees either no binary or a complete one.
				Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
			}
			finally {
				Files.deleteIfExists(partial);
			}
			return target;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot extract '" + resource + "' into " + CACHE, ex);
		}
	}

	/**
	 * Returns the name of the jar resource that runs on the given platform.
	 * @param osName the {@code os.name} system property
	 * @param osArch the {@code os.arch} system property
	 * @return the resource name, without a leading slash
	 */
	static String resourceFor(String osName, String osArch) {
		String platform = "-" + os(osName) + "-" + arch(osArch);
		return ExecutableProvider.newProvidedVersionsMap()
			.values()
			.stream()
			.map((resource) -> resource.startsWith("/") ? resource.substring(1) : resource)
			.filter((resource) -> resource.endsWith(platform))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(
					"embedded-redis ships no redis-server for " + osName + " " + osArch + " (wanted *" + platform + ")"));
	}

	private static String os(String osName) {
		String name = osName.toLowerCase(Locale.ROOT);
		if (name.contains("linux")) {
			return "linux";
		}
		if (name.contains("mac")) {
			return "darwin";
		}
		throw new IllegalStateException("No embedded redis-server for OS '" + osName + "': the fixture needs POSIX signals");
	}

	private static String arch(String osArch) {
		switch (osArch.toLowerCase(Locale.ROOT)) {
			case "amd64":
			case "x86_64":
				return "amd64";
			case "aarch64":
			case "arm64":
				return "arm64";
			case "x86":
			case "i386":
			case "i686":
				return "386";
			default:
				throw new IllegalStateException("No embedded redis-server for architecture '" + osArch + "'");
		}
	}

}
