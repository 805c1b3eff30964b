package io.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every process the fixture started in this JVM, killed by PID when the JVM exits.
 * <p>
 * Each process also gets a PID file under {@code ${java.io.tmpdir}/distlock-test-redis/}
 * naming the owning JVM. When this class loads, it kills the processes left over by JVMs
 * that died without running their shutdown hook (a {@code kill -9}, a crash). Killed
 * processes lose their temporary files too.
 *
 * @since 1.0.0
 */
public final class ProcessRegistry {

	/** Where PID files live. */
	static final Path DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"), "distlock-test-redis");

	private static final Logger logger = LoggerFactory.getLogger(ProcessRegistry.class);

	private static final long KILL_TIMEOUT_SECONDS = 10;

	// Process-wide by nature: a shutdown hook must reach every process, whoever started it.
	private static final Map<Long, PidFile> processes = new ConcurrentHashMap<>();

	static {
		reapOrphans();
		Runtime.getRuntime().addShutdownHook(new Thread(ProcessRegistry::killAll, "distlock-process-reaper"));
	}

	private ProcessRegistry() {
	}

	/**
	 * Returns the registered processes that are still alive.
	 * @return the live processes
	 */
	public static List<ProcessHandle> live() {
		return processes.values().stream().flatMap((pidFile) -> ProcessHandle.of(pidFile.pid()).stream())
			.filter(ProcessHandle::isAlive)
			.collect(Collectors.toList());
	}

	/**
	 * Registers a process just started by this JVM.
	 * @param process the process
	 * @param marker text its command line contains
	 * @param files its temporary file or directory, deleted if the registry kills it
	 */
	static void register(ProcessHandle process, String marker, Path files) {
		PidFile pidFile = PidFile.of(process, marker, files);
		pidFile.write(DIRECTORY);
		processes.put(process.pid(), pidFile);
	}

	/**
	 * Forgets a process that has exited and whose files its owner deleted or took over.
	 * @param process the process
	 */
	static void unregister(ProcessHandle process) {
		PidFile pidFile = processes.remove(process.pid());
		if (pidFile != null) {
			pidFile.delete(DIRECTORY);
		}
	}

	/**
	 * Kills the processes whose PID files name an owning JVM that is gone.
	 * @return how many processes were killed
	 */
	static int reapOrphans() {
		int killed = 0;
		for (Path file : pidFiles()) {
			PidFile pidFile = PidFile.read(file).orElse(null);
			if (pidFile == null || pidFile.ownerAlive()) {
				continue;
			}
			ProcessHandle orphan = pidFile.process().orElse(null);
			if (orphan != null) {
				logger.info("Killing process {} ('{}') left over by JVM {}", orphan.pid(), pidFile.marker(),
						pidFile.owner());
				kill(orphan);
				killed++;
			}
			TemporaryFiles.delete(pidFile.files());
			pidFile.delete(DIRECTORY);
		}
		return killed;
	}

	/**
	 * Kills a process, continuing it first in case it was stopped, and waits for its exit.
	 * @param process the process
	 */
	static void kill(ProcessHandle process) {
		try {
			Signals.resume(process.pid());
		}
		catch (IllegalStateException ex) {
			if (process.isAlive()) {
				throw ex;
			}
		}
		process.destroyForcibly();
		try {
			process.onExit().get(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while killing process " + process.pid(), ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Process " + process.pid() + " did not die of SIGKILL", ex);
		}
	}

	private static List<Path> pidFiles() {
		if (!Files.isDirectory(DIRECTORY)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(DIRECTORY)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".pid")).collect(Collectors.toList());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list " + DIRECTORY, ex);
		}
	}

	private static void killAll() {
		for (PidFile pidFile : processes.values()) {
			try {
				pidFile.process().ifPresent(ProcessRegistry::kill);
				TemporaryFiles.delete(pidFile.files());
				pidFile.delete(DIRECTORY);
			}
			catch (RuntimeException ex) {
				// The JVM is exiting: one stubborn process must not spare the others.
				System.err.println("distlock: cannot kill process " + pidFile.pid() + ": " + ex);
			}
		}
	}

}
