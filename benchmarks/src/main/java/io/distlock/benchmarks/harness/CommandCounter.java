package io.distlock.benchmarks.harness;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

import io.distlock.testsupport.RedisServer;

/**
 * Counts the commands a workload costs Redis, from {@code INFO commandstats} deltas around it.
 * Those count the commands a script runs as well; a {@code MONITOR} connection tells which calls
 * came from scripts, so that what the client sent (round trips) is told apart from what Redis
 * executed. Probes and housekeeping ({@code PING}, {@code INFO}, ...) are not counted.
 */
final class CommandCounter implements AutoCloseable {

	private static final Duration MARKER_TIMEOUT = Duration.ofSeconds(30);

	private final RedisServer server;

	private final Jedis monitor;

	private final Thread thread;

	private final Map<String, AtomicLong> fromScripts = new ConcurrentHashMap<>();

	private final AtomicReference<@Nullable Marker> awaited = new AtomicReference<>();

	private long markers;

	CommandCounter(RedisServer server) {
		this.server = server;
		this.monitor = new Jedis(server.host(), server.port(), 0);
		this.thread = new Thread(() -> {
			try {
				this.monitor.monitor(new Listener());
			}
			catch (RuntimeException ex) {
				// Closed.
			}
		}, "bench-monitor");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Runs {@code workload} and counts the commands it cost.
	 */
	Counts count(Runnable workload) {
		this.fromScripts.clear();
		this.server.command("CONFIG", "RESETSTAT");
		mark(true);
		workload.run();
		mark(false);
		return new Counts(ServerStats.commandCalls(this.server), snapshot(this.fromScripts));
	}

	/**
	 * Puts a marker into the command stream and waits until MONITOR shows it, so that the window
	 * counted is exactly the commands between two markers.
	 */
	private void mark(boolean opens) {
		Marker marker = new Marker("distlock-bench-marker-" + (++this.markers), opens);
		this.awaited.set(marker);
		long deadline = System.nanoTime() + MARKER_TIMEOUT.toNanos();
		try {
			// Sent again until seen: the MONITOR connection may not be subscribed yet.
			do {
				this.server.command("ECHO", marker.text);
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("MONITOR did not show " + marker.text + " within " + MARKER_TIMEOUT);
				}
			}
			while (!marker.seen.await(100, TimeUnit.MILLISECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for MONITOR", ex);
		}
	}

	private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
		Map<String, Long> copy = new TreeMap<>();
		counts.forEach((name, count) -> copy.put(name, count.get()));
		return copy;
	}

	@Override
	public void close() {
		this.monitor.disconnect();
		this.thread.interrupt();
	}

	/**
	 * Commands by name: all that Redis executed, and those of them that scripts called.
	 */
	record Counts(Map<String, Long> executed, Map<String, Long> fromScripts) {

		long executedTotal() {
			return this.executed.values().stream().mapToLong(Long::longValue).sum();
		}

		long sentTotal() {
			return executedTotal() - this.fromScripts.values().stream().mapToLong(Long::longValue).sum();
		}

		/**
		 * Per operation, such as {@code sent: EVALSHA 2.00; in scripts: HGET 3.00, TIME 2.00}.
		 */
		String describe(long operations) {
			StringBuilder sent = new StringBuilder();
			StringBuilder scripted = new StringBuilder();
			this.executed.forEach((name, count) -> {
				long inScripts = this.fromScripts.getOrDefault(name, 0L);
				append(sent, name, count - inScripts, operations);
				append(scripted, name, inScripts, operations);
			});
			return "sent: " + sent + ((scripted.length() > 0) ? "; in scripts: " + scripted : "");
		}

		private static void append(StringBuilder text, String name, long count, long operations) {
			if (count <= 0) {
				return;
			}
			if (text.length() > 0) {
				text.append(", ");
			}
			text.append(name.toUpperCase(Locale.ROOT))
				.append(' ')
				.append(String.format(Locale.ROOT, "%.2f", (double) count / Math.max(1, operations)));
		}

	}

	private static final class Marker {

		private final String text;

		private final boolean opens;

		private final CountDownLatch seen = new CountDownLatch(1);

		Marker(String text, boolean opens) {
			this.text = text;
			this.opens = opens;
		}

	}

	/**
	 * Reads the MONITOR feed: {@code 1700000000.123456 [0 lua] "hget" "key" "o"} for a call from a
	 * script, {@code [0 127.0.0.1:port]} for a client's.
	 */
	private final class Listener extends JedisMonitor {

		private boolean inWindow;

		@Override
		public void proceed(Connection connection) {
			connection.setTimeoutInfinite();
			super.proceed(connection);
		}

		@Override
		public void onCommand(String line) {
			Marker marker = CommandCounter.this.awaited.get();
			if (marker != null && line.contains(marker.text)) {
				this.inWindow = marker.opens;
				marker.seen.countDown();
				return;
			}
			int context = line.indexOf('[');
			int end = line.indexOf(']', context);
			if (!this.inWindow || context < 0 || end < 0
					|| !line.substring(context, end).endsWith(" lua")) {
				return;
			}
			int nameStart = line.indexOf('"', end) + 1;
			String name = line.substring(nameStart, line.indexOf('"', nameStart)).toLowerCase(Locale.ROOT);
			CommandCounter.this.fromScripts.computeIfAbsent(name, (key) -> new AtomicLong()).incrementAndGet();
		}

	}

}
