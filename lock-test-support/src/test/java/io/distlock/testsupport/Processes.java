package io.distlock.testsupport;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on processes by PID.
 */
final class Processes {

	// A dead orphan stays a zombie, "alive" to ProcessHandle, until init reaps it.
	private static final Duration REAP_TIMEOUT = Duration.ofSeconds(15);

	private Processes() {
	}

	static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	static void assertDead(long pid) {
		assertThat(Poll.until(REAP_TIMEOUT, () -> !isAlive(pid))).as("process %d is dead", pid).isTrue();
	}

}
