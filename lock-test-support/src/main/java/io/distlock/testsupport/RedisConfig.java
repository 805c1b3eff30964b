package io.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the {@code redis.conf} of a server the fixture runs as a process.
 *
 * @since 1.0.0
 */
final class RedisConfig {

	private RedisConfig() {
	}

	/**
	 * Writes {@code redis.conf} into {@code directory}: loopback only, no persistence,
	 * the given port, then the options' mode and directives.
	 * @param directory the server's working directory
	 * @param port the server's port
	 * @param options the options
	 */
	static void write(Path directory, int port, RedisOptions options) {
		List<String> lines = new ArrayList<>();
		lines.add(line("port", Integer.toString(port)));
		lines.add(line("bind", FreePorts.HOST));
		lines.add(line("protected-mode", "no"));
		lines.add(line("daemonize", "no"));
		lines.add(line("save", ""));
		lines.add(line("appendonly", "no"));
		lines.add(line("dir", directory.toString()));
		if (options.mode() == RedisOptions.Mode.CLUSTER) {
			lines.add(line("cluster-enabled", "yes"));
			lines.add(line("cluster-config-file", "nodes.conf"));
		}
		options.directives()
			.forEach((directive) -> lines.add(line(directive.name(), directive.values().toArray(String[]::new))));
		Path file = file(directory);
		try {
			Files.write(file, lines);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
	}

	/**
	 * Returns where {@link #write} puts the configuration.
	 * @param directory the server's working directory
	 * @return the configuration file
	 */
	static Path file(Path directory) {
		return directory.resolve("redis.conf");
	}

	private static String line(String name, String... values) {
		return name + " " + List.of(values).stream().map(RedisConfig::quote).collect(Collectors.joining(" "));
	}

	private static String quote(String value) {
		return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

}
