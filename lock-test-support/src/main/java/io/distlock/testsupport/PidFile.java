package io.distlock.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * What the fixture records on disk about a process it started, so that a later JVM can
 * kill it if its owner died without cleaning up.
 *
 * @param pid the started process
 * @param started when the process started, in epoch milliseconds, or {@code -1} if unknown
 * @param owner the JVM that started it
 * @param ownerStarted when the owner started, in epoch milliseconds, or {@code -1} if unknown
 * @param marker text the process's command line contains, guarding against PID reuse
 * @param files the process's temporary file or directory, deleted once it is killed
 * @since 1.0.0
 */
record PidFile(long pid, long started, long owner, long ownerStarted, String marker, Path files) {

	/**
	 * Describes a process started by the current JVM.
	 * @param process the process
	 * @param marker text its command line contains
	 * @param files its temporary file or directory
	 * @return its description
	 */
	static PidFile of(ProcessHandle process, String marker, Path files) {
		ProcessHandle self = ProcessHandle.current();
		return new PidFile(process.pid(), startOf(process), self.pid(), startOf(self), marker, files);
	}

	/**
	 * Reads a file written by {@link #write(Path)}.
	 * @param file the file
	 * @return its content, empty if the file is gone or incomplete
	 */
	static Optional<PidFile> read(Path file) {
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(file)) {
			properties.load(reader);
			return Optional.of(new PidFile(Long.parseLong(properties.getProperty("pid")),
					Long.parseLong(properties.getProperty("started")), Long.parseLong(properties.getProperty("owner")),
					Long.parseLong(properties.getProperty("owner-started")), properties.getProperty("marker"),
					Path.of(properties.getProperty("files"))));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Writes this description into {@code directory}, replacing it atomically.
	 * @param directory the directory
	 */
	void write(Path directory) {
		Properties properties = new Properties();
		properties.setProperty("pid", Long.toString(this.pid));
		properties.setProperty("started", Long.toString(this.started));
		properties.setProperty("owner", Long.toString(this.owner));
		properties.setProperty("owner-started", Long.toString(this.ownerStarted));
		properties.setProperty("marker", this.marker);
		properties.setProperty("files", this.files.toString());
		try {
			Files.createDirectories(directory);
			Path temporary = Files.createTempFile(directory, this.pid + "-", ".tmp");
			try (Writer writer = Files.newBufferedWriter(temporary)) {
				properties.store(writer, "Started by distlock-test-support");
			}
			Files.move(temporary, file(directory), StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the PID file of process " + this.pid, ex);
		}
	}

	/**
	 * Deletes this description from {@code directory}.
	 * @param directory the directory
	 */
	void delete(Path directory) {
		try {
			Files.deleteIfExists(file(directory));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete the PID file of process " + this.pid, ex);
		}
	}

	/**
	 * Returns the described process if it still runs and is still the one that was
	 * started (same start time, command line containing the marker).
	 * @return the running process
	 */
	Optional<ProcessHandle> process() {
		return same(this.pid, this.started).filter((process) -> commandLine(process).contains(this.marker));
	}

	/**
	 * Returns whether the owning JVM still runs.
	 * @return whether the owner is alive
	 */
	boolean ownerAlive() {
		return same(this.owner, this.ownerStarted).isPresent();
	}

	private Path file(Path directory) {
		return directory.resolve(this.pid + ".pid");
	}

	private static Optional<ProcessHandle> same(long pid, long started) {
		return ProcessHandle.of(pid)
			.filter(ProcessHandle::isAlive)
			.filter((process) -> started == -1 || startOf(process) == -1 || startOf(process) == started);
	}

	private static String commandLine(ProcessHandle process) {
		// ProcessHandle.Info drops the title redis-server writes over its argv
		// ("redis-server 127.0.0.1:6380") and names Debian's binary redis-check-rdb.
		Path procCmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
		try {
			return new String(Files.readAllBytes(procCmdline), StandardCharsets.UTF_8).replace('\0', ' ');
		}
		catch (IOException ex) {
			// No /proc (macOS) or the process is gone.
			return process.info().commandLine().orElse("");
		}
	}

	private static long startOf(ProcessHandle process) {
		return process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
	}

}
