package io.distlock.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RedisBinary}.
 */
class RedisBinaryTests {

	private final RedisBinary embedded = RedisBinary.embedded();

	@Test
	void embeddedBinaryIsExtractedOnceAndReportsItsVersion() throws IOException {
		String resource = EmbeddedRedisBinary.resourceFor(System.getProperty("os.name"), System.getProperty("os.arch"));
		assertThat(this.embedded.path()).startsWith(Path.of(System.getProperty("java.io.tmpdir")));
		assertThat(this.embedded.path().getFileName()).hasToString(resource);
		assertThat(this.embedded.version()).startsWith("6.2.");
		assertThat(RedisBinary.embedded().path()).isEqualTo(this.embedded.path());
		try (Stream<Path> files = Files.list(this.embedded.path().getParent())) {
			assertThat(files).noneMatch((file) -> file.toString().endsWith(".part"));
		}
	}

	@Test
	void embeddedBinaryRunsServer() {
		try (RedisServer server = RedisServer.start(RedisOptions.defaults().binary(this.embedded))) {
			assertThat(server.version()).isEqualTo(this.embedded.version());
			assertThat((String) server.command("INFO", "server")).contains("redis_version:" + this.embedded.version());
			assertThat(ProcessHandle.of(server.pid()).flatMap((process) -> process.info().command()))
				.hasValue(this.embedded.path().toString());
		}
	}

	@Test
	void embeddedChoiceWinsOverEverythingElse() {
		RedisBinary binary = RedisBinary.resolve(
				Map.of("REDIS_SERVER", RedisBinary.detect().path().toString(), "PATH", "/usr/bin"),
				properties(RedisBinary.CHOICE_PROPERTY, "embedded"));
		assertThat(binary).isEqualTo(this.embedded);
	}

	@Test
	void environmentVariableWinsOverSystemProperty() {
		RedisBinary binary = RedisBinary.resolve(Map.of("REDIS_SERVER", this.embedded.path().toString()),
				properties(RedisBinary.PATH_PROPERTY, "/nonexistent/redis-server"));
		assertThat(binary.path()).isEqualTo(this.embedded.path());
		assertThat(binary.source()).isEqualTo("environment variable REDIS_SERVER");
	}

	@Test
	void systemPropertyWinsOverPath(@TempDir Path directory) throws IOException {
		Path onPath = Files.createSymbolicLink(directory.resolve("redis-server"), this.embedded.path());
		RedisBinary binary = RedisBinary.resolve(Map.of("PATH", directory.toString()),
				properties(RedisBinary.PATH_PROPERTY, this.embedded.path().toString()));
		assertThat(binary.path()).isEqualTo(this.embedded.path()).isNotEqualTo(onPath);
		assertThat(binary.source()).isEqualTo("system property distlock.test.redis-server");
	}

	@Test
	void findsRedisServerOnPath(@TempDir Path directory) throws IOException {
		Path onPath = Files.createSymbolicLink(directory.resolve("redis-server"), this.embedded.path());
		RedisBinary binary = RedisBinary.resolve(Map.of("PATH", "/nonexistent:" + directory), new Properties());
		assertThat(binary.path()).isEqualTo(onPath);
		assertThat(binary.source()).isEqualTo("PATH");
		assertThat(binary.version()).isEqualTo(this.embedded.version());
	}

	@Test
	void fallsBackToEmbeddedWithoutRedisServerOnPath(@TempDir Path directory) {
		RedisBinary binary = RedisBinary.resolve(Map.of("PATH", directory.toString()), new Properties());
		assertThat(binary).isEqualTo(this.embedded);
	}

	@Test
	void rejectsEnvironmentVariableNamingNoExecutable() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisBinary.resolve(Map.of("REDIS_SERVER", "/nonexistent/redis-server"),
					new Properties()))
			.withMessageContaining("environment variable REDIS_SERVER")
			.withMessageContaining("/nonexistent/redis-server");
	}

	@Test
	void picksEmbeddedResourceByOsAndArchitecture() {
		assertThat(EmbeddedRedisBinary.resourceFor("Linux", "amd64")).isEqualTo("redis-server-6.2.6-v5-linux-amd64");
		assertThat(EmbeddedRedisBinary.resourceFor("Linux", "aarch64")).isEqualTo("redis-server-6.2.7-linux-arm64");
		assertThat(EmbeddedRedisBinary.resourceFor("Linux", "i386")).isEqualTo("redis-server-6.2.7-linux-386");
		assertThat(EmbeddedRedisBinary.resourceFor("Mac OS X", "x86_64"))
			.isEqualTo("redis-server-6.2.6-v5-darwin-amd64");
		assertThat(EmbeddedRedisBinary.resourceFor("Mac OS X", "aarch64"))
			.isEqualTo("redis-server-6.2.6-v5-darwin-arm64");
		assertThatIllegalStateException().isThrownBy(() -> EmbeddedRedisBinary.resourceFor("Windows 11", "amd64"))
			.withMessageContaining("Windows 11");
	}

	private static Properties properties(String name, String value) {
		Properties properties = new Properties();
		properties.setProperty(name, value);
		return properties;
	}

}
