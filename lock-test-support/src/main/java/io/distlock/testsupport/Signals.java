package io.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Sends POSIX signals through the {@code kill} command, for the signals that
 * {@link ProcessHandle} cannot send.
 *
 * @since 1.0.0
 */
final class Signals {

	private static final long TIMEOUT_SECONDS = 10;

	private Signals() {
	}

	/**
	 * Stops (freezes) a process, as {@code kill -STOP}.
	 * @param pid the process
	 */
	static void stop(long pid) {
		send("STOP", pid);
	}

	/**
	 * Continues a stopped process, as {@code kill -CONT}.
	 * @param pid the process
	 */
	static void resume(long pid) {
		send("CONT", pid);
	}

	private static void send(String signal, long pid) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
				.start();
			String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!kill.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("'kill -" + signal + " " + pid + "' failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run 'kill -" + signal + " " + pid + "'", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, ex);
		}
	}

}
