package io.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A {@code redis-server} process started by the fixture, in its own temporary directory.
 *
 * @since 1.0.0
 */
final class ProcessRedisServer implements RedisServer {

	private static final int START_ATTEMPTS = 5;

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final int LOG_TAIL_LINES = 30;

	private final RedisBinary binary;

	private final RedisOptions options;

	private final Path directory;

	private final int port;

	private volatile Process process;

	private volatile boolean paused;

	private ProcessRedisServer(RedisBinary binary, RedisOptions options, Path directory, int port,
			Process process) {
		this.binary = binary;
		this.options = options;
		this.directory = directory;
		this.port = port;
		this.process = process;
	}

	/**
	 * Starts a server on a free port, trying another port if it loses a race for one.
	 * @param options the options
	 * @return the running server
	 */
	static ProcessRedisServer start(RedisOptions options) {
		RedisBinary binary = options.binaryOrDetected();
		Path directory = TemporaryFiles.createDirectory("distlock-redis-");
		for (int attempt = 1;; attempt++) {
			RedisOptions launched = options;
			int port;
			if (options.mode() != RedisOptions.Mode.CLUSTER) {
				port = FreePorts.find();
			}
			else if (hasClusterPort(binary)) {
				port = FreePorts.find();
				launched = options.with("cluster-port", Integer.toString(FreePorts.find()));
			}
			else {
				port = FreePorts.findWithClusterBus();
			}
			RedisConfig.write(directory, port, launched);
			deleteLog(directory);
			Process process = launch(binary, directory, launched);
			if (RedisPing.await(FreePorts.HOST, port, options.startTimeout(), process::isAlive)) {
				return new ProcessRedisServer(binary, launched, directory, port, process);
			}
			IllegalStateException failure = failure(binary, directory, port, process, options.startTimeout());
			if (attempt == START_ATTEMPTS || !log(directory).contains("Address already in use")) {
				TemporaryFiles.delete(directory);
				throw failure;
			}
		}
	}

	/**
	 * Whether the binary takes {@code cluster-port}, which Redis 7 added; older ones put the
	 * cluster bus on the port + 10000.
	 */
	private static boolean hasClusterPort(RedisBinary binary) {
		return Integer.parseInt(binary.version().split("\\.")[0]) >= 7;
	}

	@Override
	public String host() {
		return FreePorts.HOST;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public long pid() {
		return this.process.pid();
	}

	@Override
	public String version() {
		return this.binary.version();
	}

	@Override
	public boolean isAlive() {
		return this.process.isAlive();
	}

	@Override
	public synchronized void kill() {
		killAndAwait(this.process);
		this.paused = false;
	}

	@Override
	public synchronized void pause() {
		Signals.stop(pid());
		this.paused = true;
	}

	@Override
	public synchronized void resume() {
		Signals.resume(pid());
		this.paused = false;
	}

	@Override
	public synchronized void restart() {
		stop();
		ProcessRegistry.unregister(this.process.toHandle());
		if (!FreePorts.awaitFree(this.port, STOP_TIMEOUT)) {
			throw new IllegalStateException("Cannot restart " + this + ": port " + this.port + " is still in use");
		}
		Process next = launch(this.binary, this.directory, this.options);
		if (!RedisPing.await(FreePorts.HOST, this.port, this.options.startTimeout(), next::isAlive)) {
			throw failure(this.binary, this.directory, this.port, next, this.options.startTimeout());
		}
		this.process = next;
	}

	@Override
	public synchronized void stop() {
		Process current = this.process;
		if (current.isAlive()) {
			if (this.paused) {
				resume();
			}
			shutdown();
			if (!exited(current, STOP_TIMEOUT)) {
				kill();
			}
		}
	}

	@Override
	public synchronized void close() {
		stop();
		ProcessRegistry.unregister(this.process.toHandle());
		TemporaryFiles.delete(this.directory);
	}

	@Override
	public String toString() {
		return "redis-server " + version() + " on " + host() + ":" + this.port + " (pid " + pid() + ")";
	}

	private void shutdown() {
		try (Jedis jedis = new Jedis(FreePorts.HOST, this.port, Math.toIntExact(STOP_TIMEOUT.toMillis()))) {
			jedis.sendCommand(Protocol.Command.SHUTDOWN, "NOSAVE");
		}
		catch (JedisException ex) {
			// Expected: the server drops the connection as it exits. If it refused
			// instead, stop() kills it once the timeout passes.
		}
	}

	private static Process launch(RedisBinary binary, Path directory, RedisOptions options) {
		List<String> command = new ArrayList<>(List.of(binary.path().toString(), RedisConfig.file(directory).toString()));
		if (options.mode() == RedisOptions.Mode.SENTINEL) {
			command.add("--sentinel");
		}
		try {
			// A file, not a pipe: the server must outlive a dead JVM without SIGPIPE.
			ProcessBuilder builder = new ProcessBuilder(command);
			builder.environment().putAll(options.environment());
			Process process = builder.directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(directory).toFile()))
				.start();
			ProcessRegistry.register(process.toHandle(), "redis-server", directory);
			return process;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + command, ex);
		}
	}

	private static IllegalStateException failure(RedisBinary binary, Path directory, int port, Process process,
			Duration timeout) {
		String state = process.isAlive() ? "still running" : "exited with code " + process.exitValue();
		killAndAwait(process);
		ProcessRegistry.unregister(process.toHandle());
		List<String> lines = log(directory).lines().toList();
		String tail = String.join(System.lineSeparator(),
				lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
		return new IllegalStateException(binary + " did not answer PING on " + FreePorts.HOST + ":" + port + " within "
				+ timeout + " (" + state + "). Last lines of its log:" + System.lineSeparator() + tail);
	}

	private static void killAndAwait(Process process) {
		process.destroyForcibly();
		if (!exited(process, STOP_TIMEOUT)) {
			throw new IllegalStateException("redis-server " + process.pid() + " still runs " + STOP_TIMEOUT
					+ " after SIGKILL");
		}
	}

	private static boolean exited(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server " + process.pid(), ex);
		}
	}

	private static Path logFile(Path directory) {
		return directory.resolve("redis.log");
	}

	private static String log(Path directory) {
		try {
			return Files.exists(logFile(directory)) ? Files.readString(logFile(directory)) : "";
		}
		catch (IOException ex) {
			return "(cannot read " + logFile(directory) + ": " + ex + ")";
		}
	}

	private static void deleteLog(Path directory) {
		try {
			Files.deleteIfExists(logFile(directory));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + logFile(directory), ex);
		}
	}

}
