package io.distlock.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.testsupport.RedisBinary;
import io.distlock.testsupport.RedisOptions;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Fencing tokens keep growing when the Redis server's clock steps back after a lock's key is
 * gone: the server runs under libfaketime (Debian's {@code faketime} package, which CI installs),
 * its clock moved by rewriting the file libfaketime reads on every call. The embedded binary runs
 * there because Debian's {@code redis-server} links the shared jemalloc, which libfaketime cannot
 * start beside.
 */
class FencingClockIntegrationTests {

	private static final List<Path> LIBFAKETIME = List.of(
			Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
			Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"),
			Path.of("/usr/lib/faketime/libfaketime.so.1"), Path.of("/usr/local/lib/faketime/libfaketime.so.1"));

	private static final long HOUR_MICROS = Duration.ofHours(1).toNanos() / 1000;

	@TempDir
	Path directory;

	@Test
	void tokensGrowAfterTheServerClockStepsBackPastAnExpiredAndAReleasedLock() throws IOException {
		Path clock = this.directory.resolve("faketime");
		Files.writeString(clock, "+0");
		try (RedisServer server = RedisServer.start(RedisOptions.defaults()
			.binary(RedisBinary.embedded())
			.environment("LD_PRELOAD", libfaketime().toString())
			.environment("FAKETIME_TIMESTAMP_FILE", clock.toString())
			.environment("FAKETIME_NO_CACHE", "1"));
				TestRedis.Manager manager = TestRedis.Manager.start(server.host(), server.port())) {
			RedisLockManager locks = manager.locks();
			LockHandle expired = locks.acquire(LockRequest.of("stepped", Duration.ofMillis(200)).withAutoRenew(false));
			long first = expired.fencingToken();
			await().atMost(Duration.ofSeconds(5)).until(() -> server.lockKeyCount() == 0);

			long before = serverMicros(server);
			Files.writeString(clock, "-1h");
			assertThat(serverMicros(server)).as("server clock after the step").isLessThan(before - HOUR_MICROS / 2);

			LockHandle afterExpiry = locks.acquire(LockRequest.of("stepped", Duration.ofSeconds(5)));
			long second = afterExpiry.fencingToken();
			assertThat(second).as("token after the expired one, clock stepped back").isGreaterThan(first);
			afterExpiry.unlock();
			assertThat(server.lockKeyCount()).isZero();

			Files.writeString(clock, "-2h");
			LockHandle afterRelease = locks.acquire(LockRequest.of("stepped", Duration.ofSeconds(5)));
			assertThat(afterRelease.fencingToken()).as("token after the released one, clock stepped back again")
				.isGreaterThan(second);
			LockHandle otherKey = locks.acquire(LockRequest.of("stepped-other", Duration.ofSeconds(5)));
			assertThat(otherKey.fencingToken()).as("a never-used key's first token").isGreaterThan(second);
			afterRelease.unlock();
			otherKey.unlock();
			assertThat(server.lockKeyCount()).isZero();
			assertThat(server.dbSize()).as("keys left: the one fencing floor of a standalone server").isOne();
		}
	}

	private static long serverMicros(RedisServer server) {
		List<?> time = (List<?>) server.command("TIME");
		return Long.parseLong(text(time.get(0))) * 1_000_000 + Long.parseLong(text(time.get(1)));
	}

	private static String text(Object reply) {
		return (reply instanceof byte[] bytes) ? new String(bytes, StandardCharsets.US_ASCII)
				: String.valueOf(reply);
	}

	private static Path libfaketime() {
		@Nullable Path found = LIBFAKETIME.stream().filter(Files::isReadable).findFirst().orElse(null);
		if (found == null) {
			String reason = "libfaketime is not installed (Debian: apt-get install faketime), looked in " + LIBFAKETIME;
			if (System.getenv("CI") != null) {
				fail(reason + "; CI must install it");
			}
			Assumptions.abort(reason);
		}
		return found;
	}

}
