package io.distlock.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import net.javacrumbs.shedlock.core.LockProvider;
import org.apache.curator.framework.CuratorFramework;
import org.redisson.api.RedissonClient;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

import redis.clients.jedis.Jedis;

/**
 * What the numbers were measured on: machine, JDK, Redis and library versions, date and load.
 */
final class MachineFacts {

	private MachineFacts() {
	}

	/**
	 * The facts as label and value, in the order they are shown.
	 */
	static Map<String, String> collect(String redisVersion, String loadBefore) {
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("Date", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
		facts.put("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
		facts.put("CPU", cpuModel());
		facts.put("Memory", firstLine(Path.of("/proc/meminfo"), "MemTotal").map((line) -> line.replaceAll("\\s+",
				" ").replace("MemTotal: ", "")).orElse("?"));
		facts.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		facts.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		facts.put("Redis", redisVersion + " (its own redis-server on a loopback port, no persistence)");
		facts.put("Load average (1, 5, 15 min) before / after", loadBefore + " / " + loadAverage());
		facts.put("Redisson", version(RedissonClient.class));
		facts.put("Spring Integration", version(RedisLockRegistry.class));
		facts.put("ShedLock", pomVersion(LockProvider.class,
				"/META-INF/maven/net.javacrumbs.shedlock/shedlock-core/pom.properties"));
		facts.put("Curator", pomVersion(CuratorFramework.class,
				"/META-INF/maven/org.apache.curator/curator-framework/pom.properties"));
		facts.put("Spring Data Redis / Jedis", version(RedisConnectionFactory.class) + " / "
				+ pomVersion(Jedis.class, "pom.properties"));
		return facts;
	}

	static String loadAverage() {
		return firstLine(Path.of("/proc/loadavg"), "").map((line) -> String.join(" ",
				List.of(line.split(" ")).subList(0, 3))).orElse("?");
	}

	private static String cpuModel() {
		return firstLine(Path.of("/proc/cpuinfo"), "model name").map((line) -> line.substring(line.indexOf(':') + 1)
			.trim()).orElse(System.getProperty("os.arch"));
	}

	private static Optional<String> firstLine(Path file, String prefix) {
		try (var lines = Files.lines(file)) {
			return lines.filter((line) -> line.startsWith(prefix)).findFirst();
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The version in a jar's Maven {@code pom.properties}, found relative to {@code anchor}.
	 */
	private static String pomVersion(Class<?> anchor, String resource) {
		try (InputStream in = anchor.getResourceAsStream(resource)) {
			Properties properties = new Properties();
			if (in != null) {
				properties.load(in);
			}
			return properties.getProperty("version", "?");
		}
		catch (IOException ex) {
			return "?";
		}
	}

	private static String version(Class<?> type) {
		String version = type.getPackage().getImplementationVersion();
		return (version != null) ? version : "?";
	}

}
