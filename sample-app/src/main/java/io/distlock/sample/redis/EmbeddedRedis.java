package io.distlock.sample.redis;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import redis.embedded.core.ExecutableProvider;

/**
 * A {@code redis-server} process on a free loopback port that saves nothing: the binary on the
 * {@code PATH} if there is one, else the one shipped in the embedded-redis jar.
 *
 * @since 1.0.0
 */
final class EmbeddedRedis implements AutoCloseable {

	/** The address the server listens on. */
	static final String HOST = "127.0.0.1";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final int PING_TIMEOUT_MILLIS = 500;

	private static final long POLL_INTERVAL_MILLIS = 20;

	private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

	private final Process process;

	private final File binary;

	private final int port;

	private final Path log;

	private EmbeddedRedis(Process process, File binary, int port, Path log) {
		this.process = process;
		this.binary = binary;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts a server and waits until it answers {@code PING}.
	 * @return the running server
	 * @throws IllegalStateException if it does not answer in time, with its output
	 */
	static EmbeddedRedis start() {
		try {
			File binary = binary();
			int port = freePort();
			Path log = Files.createTempFile("distlock-sample-redis-", ".log");
			// Output to a file, not a pipe: nobody reads a pipe once the server runs.
			Process process = new ProcessBuilder(binary.getPath(), "--bind", HOST, "--port", Integer.toString(port),
					"--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			EmbeddedRedis redis = new EmbeddedRedis(process, binary, port, log);
			redis.awaitPing();
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start an embedded redis-server", ex);
		}
	}

	/**
	 * Returns the port the server listens on.
	 * @return the port
	 */
	int port() {
		return this.port;
	}

	/**
	 * Stops the server ({@code SIGTERM}, then {@code SIGKILL} if it lingers). Idempotent.
	 */
	@Override
	public synchronized void close() {
		if (this.process.isAlive()) {
			this.process.destroy();
			if (!exited(STOP_TIMEOUT)) {
				this.process.destroyForcibly();
				exited(STOP_TIMEOUT);
			}
		}
		try {
			Files.deleteIfExists(this.log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + this.log, ex);
		}
	}

	@Override
	public String toString() {
		return "redis-server " + this.binary + " on " + HOST + ":" + this.port;
	}

	private void awaitPing() throws IOException {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (!answersPing()) {
			if (!this.process.isAlive() || System.nanoTime() - deadline >= 0) {
				String state = this.process.isAlive() ? "did not answer PING within " + START_TIMEOUT
						: "exited with code " + this.process.exitValue();
				String output = Files.readString(this.log);
				close();
				throw new IllegalStateException(this + " " + state + "; its output:" + System.lineSeparator() + output);
			}
			sleep(POLL_INTERVAL_MILLIS);
		}
	}

	private boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, this.port), PING_TIMEOUT_MILLIS);
			socket.setSoTimeout(PING_TIMEOUT_MILLIS);
			OutputStream out = socket.getOutputStream();
			out.write(PING);
			out.flush();
			InputStream in = socket.getInputStream();
			return Arrays.equals(in.readNBytes(PONG.length), PONG);
		}
		catch (IOException ex) {
			return false;
		}
	}

	private boolean exited(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static File binary() throws IOException {
		try {
			return ExecutableProvider.newExecutableInPath("redis-server").get();
		}
		catch (FileNotFoundException ex) {
			return ExecutableProvider.newJarResourceProvider().get();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server to start", ex);
		}
	}

}
