package io.distlock.benchmarks.harness;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.distlock.testsupport.RedisServer;

/**
 * The measured redis-server's own counters: calls per command from {@code INFO commandstats}
 * (scripts' calls included; probes and housekeeping such as {@code PING} and {@code INFO} left
 * out) and socket reads from {@code INFO stats}.
 */
final class ServerStats {

	private static final Set<String> NOT_COUNTED = Set.of("ping", "info", "config", "echo", "client", "hello",
			"monitor", "command", "select");

	private ServerStats() {
	}

	/**
	 * Calls so far per command name, such as {@code evalsha}.
	 */
	static Map<String, Long> commandCalls(RedisServer server) {
		String info = (String) server.command("INFO", "commandstats");
		Map<String, Long> calls = new TreeMap<>();
		for (String line : info.split("\r?\n")) {
			if (!line.startsWith("cmdstat_")) {
				continue;
			}
			String name = line.substring("cmdstat_".length(), line.indexOf(':'));
			if (!NOT_COUNTED.contains(name.split("\\|")[0])) {
				calls.put(name, field(line, "calls="));
			}
		}
		return calls;
	}

	/**
	 * Reads from client sockets so far ({@code total_reads_processed}): at least one per round
	 * trip; a pipelined batch is read in chunks of up to 16 KB.
	 */
	static long readsProcessed(RedisServer server) {
		String info = (String) server.command("INFO", "stats");
		for (String line : info.split("\r?\n")) {
			if (line.startsWith("total_reads_processed:")) {
				return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
			}
		}
		throw new IllegalStateException("INFO stats has no total_reads_processed");
	}

	/**
	 * {@code later} minus {@code earlier}, per command, the commands with no calls in between left out.
	 */
	static Map<String, Long> delta(Map<String, Long> earlier, Map<String, Long> later) {
		Map<String, Long> delta = new TreeMap<>();
		later.forEach((name, calls) -> {
			long made = calls - earlier.getOrDefault(name, 0L);
			if (made > 0) {
				delta.put(name, made);
			}
		});
		return delta;
	}

	private static long field(String line, String name) {
		int start = line.indexOf(name) + name.length();
		return Long.parseLong(line.substring(start, line.indexOf(',', start)));
	}

}
