package io.distlock.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProcessRegistry}.
 */
class ProcessRegistryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Test
	void registersProcessesWithPidFilesUntilClosed() {
		RedisServer first = RedisServer.start();
		RedisServer second = RedisServer.start();
		JavaProcess child = JavaProcess.start(TickingMain.class, List.of());
		List<Long> pids = List.of(first.pid(), second.pid(), child.pid());
		assertThat(ProcessRegistry.live()).extracting(ProcessHandle::pid).containsAll(pids);
		assertThat(PidFile.read(pidFile(first.pid()))).hasValueSatisfying((pidFile) -> {
			assertThat(pidFile.owner()).isEqualTo(ProcessHandle.current().pid());
			assertThat(pidFile.process()).isPresent();
		});
		first.kill();
		assertThat(ProcessRegistry.live()).extracting(ProcessHandle::pid).doesNotContain(first.pid());
		assertThat(pidFile(first.pid())).as("kept until close").exists();
		first.close();
		second.close();
		child.close();
		pids.forEach((pid) -> assertThat(Processes.isAlive(pid)).as("process %d is alive", pid).isFalse());
		assertThat(ProcessRegistry.live()).extracting(ProcessHandle::pid).doesNotContainAnyElementsOf(pids);
		pids.forEach((pid) -> assertThat(pidFile(pid)).doesNotExist());
	}

	@Test
	void shutdownHookKillsServersOfExitingJvm(@TempDir Path temp) throws IOException {
		Path exit = temp.resolve("exit");
		try (JavaProcess owner = JavaProcess.start(RedisOwningMain.class, List.of(), "exit", exit.toString())) {
			long pid = serverPid(owner);
			Path directory = PidFile.read(pidFile(pid)).orElseThrow().files();
			Files.createFile(exit);
			assertThat(owner.waitFor(TIMEOUT)).isZero();
			Processes.assertDead(pid);
			assertThat(pidFile(pid)).doesNotExist();
			assertThat(directory).doesNotExist();
		}
	}

	@Test
	void reapsServersLeftOverByKilledJvm() {
		try (JavaProcess owner = JavaProcess.start(RedisOwningMain.class, List.of(), "hang")) {
			long pid = serverPid(owner);
			owner.kill();
			assertThat(Processes.isAlive(pid)).as("orphaned redis-server is alive").isTrue();
			Path directory = PidFile.read(pidFile(pid)).orElseThrow().files();
			assertThat(directory.resolve("redis.conf")).exists();
			ProcessRegistry.reapOrphans();
			Processes.assertDead(pid);
			assertThat(pidFile(pid)).doesNotExist();
			assertThat(directory).doesNotExist();
		}
	}

	@Test
	void sparesProcessWhoseCommandLineLacksMarker(@TempDir Path files) throws IOException {
		Process sleeper = new ProcessBuilder("sleep", "60").start();
		Process deadOwner = new ProcessBuilder("true").start();
		try {
			deadOwner.onExit().join();
			PidFile reused = PidFile.of(sleeper.toHandle(), "redis-server", files);
			new PidFile(reused.pid(), reused.started(), deadOwner.pid(), -1, reused.marker(), files)
				.write(ProcessRegistry.DIRECTORY);
			ProcessRegistry.reapOrphans();
			assertThat(sleeper.isAlive()).isTrue();
			assertThat(pidFile(sleeper.pid())).doesNotExist();
		}
		finally {
			sleeper.destroyForcibly();
		}
	}

	private static long serverPid(JavaProcess owner) {
		return Long.parseLong(owner.awaitLine((line) -> line.startsWith("PID "), TIMEOUT).substring(4));
	}

	private static Path pidFile(long pid) {
		return ProcessRegistry.DIRECTORY.resolve(pid + ".pid");
	}

}
