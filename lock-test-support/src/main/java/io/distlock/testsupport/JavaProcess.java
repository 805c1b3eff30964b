package io.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Another JVM running a main class on the current classpath, for tests that need several
 * processes. Its stdout and stderr go to a file; it is registered with
 * {@link ProcessRegistry} so it dies, and its file goes, with this JVM at the latest.
 *
 * @since 1.0.0
 */
public final class JavaProcess implements AutoCloseable {

	private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

	private static final String INHERITED_PROPERTIES = "distlock.test.";

	private final Process process;

	private final String mainClass;

	private final Path output;

	private int linesRead;

	private JavaProcess(Process process, String mainClass, Path output) {
		this.process = process;
		this.mainClass = mainClass;
		this.output = output;
	}

	/**
	 * Starts {@code java [jvmArgs] -cp <current classpath> mainClass [args]} with the
	 * current JVM's executable. The child inherits this JVM's {@code distlock.test.*}
	 * system properties, so it picks the same Redis binary; {@code jvmArgs} may override
	 * them.
	 * @param mainClass the class whose {@code main} runs
	 * @param jvmArgs JVM options, such as {@code -Xmx64m} or {@code -Dkey=value}
	 * @param args the program arguments
	 * @return the running process
	 */
	public static JavaProcess start(Class<?> mainClass, List<String> jvmArgs, String... args) {
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		System.getProperties()
			.stringPropertyNames()
			.stream()
			.filter((name) -> name.startsWith(INHERITED_PROPERTIES))
			.forEach((name) -> command.add("-D" + name + "=" + System.getProperty(name)));
		command.addAll(jvmArgs);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(Arrays.asList(args));
		Path output = TemporaryFiles.createFile("distlock-java-" + mainClass.getSimpleName() + "-", ".log");
		try {
			// A file, not a pipe: the child must not block on a full pipe nobody reads.
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			ProcessRegistry.register(process.toHandle(), mainClass.getName(), output);
			return new JavaProcess(process, mainClass.getName(), output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + mainClass.getName() + " in a new JVM", ex);
		}
	}

	/**
	 * Returns the child's PID.
	 * @return the PID
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Returns whether the child runs, paused or not.
	 * @return whether it is alive
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Reads the lines the child printed since the last call until one matches.
	 * @param predicate what the wanted line satisfies
	 * @param timeout how long to wait for it
	 * @return the matching line
	 * @throws IllegalStateException if the child exits or the time runs out first, with
	 * its output
	 */
	public synchronized String awaitLine(Predicate<String> predicate, Duration timeout) {
		AtomicReference<@Nullable String> match = new AtomicReference<>();
		AtomicBoolean exited = new AtomicBoolean();
		Poll.until(timeout, () -> {
			// Checked before reading, so that an exited child's output is complete.
			exited.set(!this.process.isAlive());
			match.set(nextMatching(predicate));
			return match.get() != null || exited.get();
		});
		String line = match.get();
		if (line != null) {
			return line;
		}
		throw new IllegalStateException(this + (exited.get() ? " exited with code " + this.process.exitValue()
				: " printed no matching line within " + timeout) + "; output:" + System.lineSeparator() + output());
	}

	/**
	 * Kills the child with {@code SIGKILL} and waits for it to die.
	 */
	public void kill() {
		this.process.destroyForcibly();
		waitFor(KILL_TIMEOUT);
	}

	/**
	 * Freezes the child ({@code SIGSTOP}).
	 */
	public void pause() {
		Signals.stop(pid());
	}

	/**
	 * Unfreezes the child ({@code SIGCONT}).
	 */
	public void resume() {
		Signals.resume(pid());
	}

	/**
	 * Waits for the child to exit.
	 * @param timeout how long to wait
	 * @return its exit code
	 * @throws IllegalStateException if it still runs after {@code timeout}
	 */
	public int waitFor(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(this + " still runs after " + timeout + "; output:"
						+ System.lineSeparator() + output());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for " + this, ex);
		}
		return this.process.exitValue();
	}

	/**
	 * Returns everything the child printed so far, stdout and stderr interleaved.
	 * @return the output
	 */
	public String output() {
		try {
			return Files.readString(this.output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + this.output, ex);
		}
	}

	/**
	 * Kills the child if it still runs and deletes its output file.
	 */
	@Override
	public void close() {
		if (isAlive()) {
			kill();
		}
		ProcessRegistry.unregister(this.process.toHandle());
		TemporaryFiles.delete(this.output);
	}

	@Override
	public String toString() {
		return "JVM " + pid() + " running " + this.mainClass;
	}

	private @Nullable String nextMatching(Predicate<String> predicate) {
		String text = output();
		// Only complete lines: the last one may still be being written.
		List<String> lines = List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n", -1));
		while (this.linesRead < lines.size() - 1) {
			String line = lines.get(this.linesRead++);
			if (predicate.test(line)) {
				return line;
			}
		}
		return null;
	}

	private static String javaExecutable() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

}
