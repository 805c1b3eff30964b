package io.distlock.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import redis.clients.jedis.Jedis;

import io.distlock.benchmarks.adapter.Endpoint;
import io.distlock.benchmarks.adapter.Library;
import io.distlock.testsupport.JavaProcess;
import io.distlock.testsupport.RedisServer;

/**
 * The coordinator's side of the worker JVMs: starts them, hands them jobs over a control Redis
 * that the lock libraries never use, collects their reports and stops them.
 */
final class Workers implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

	private static final long MAX_CLOCK_SKEW_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final List<JavaProcess> processes;

	private final Jedis control;

	private final Path memoryFile;

	private final SharedMemory memory;

	private Workers(List<JavaProcess> processes, Jedis control, Path memoryFile, SharedMemory memory) {
		this.processes = processes;
		this.control = control;
		this.memoryFile = memoryFile;
		this.memory = memory;
	}

	static String jobs(String worker) {
		return "jobs:" + worker;
	}

	static String results(String worker) {
		return "results:" + worker;
	}

	/**
	 * Starts the worker JVMs; they open their libraries in the background until {@link #awaitReady()}.
	 */
	static Workers start(Settings settings, Endpoint bench, RedisServer controlServer) {
		Path memoryFile;
		try {
			memoryFile = Files.createTempFile("distlock-bench-", ".mem");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the shared memory file", ex);
		}
		SharedMemory memory = SharedMemory.mapped(memoryFile);
		String libraries = settings.libraries().stream().map(Library::name).collect(Collectors.joining(","));
		List<JavaProcess> processes = new ArrayList<>();
		for (int i = 0; i < settings.workerJvms(); i++) {
			processes.add(JavaProcess.start(Worker.class, settings.workerJvmOptions(), bench.host(),
					Integer.toString(bench.port()), Integer.toString(controlServer.port()), Integer.toString(i),
					memoryFile.toString(), libraries, bench.zooKeeper()));
		}
		Jedis control = new Jedis(controlServer.host(), controlServer.port(), 0);
		return new Workers(processes, control, memoryFile, memory);
	}

	void awaitReady() {
		for (JavaProcess process : this.processes) {
			String line = process.awaitLine((text) -> text.startsWith(Worker.READY), START_TIMEOUT);
			long skew = Math.abs(System.nanoTime() - Long.parseLong(line.substring(Worker.READY.length()).trim()));
			if (skew > MAX_CLOCK_SKEW_NANOS) {
				throw new IllegalStateException(process + " reads another System.nanoTime() clock (" + skew
						+ "ns apart): cross-process timing needs one monotonic clock per machine (Linux)");
			}
		}
	}

	int size() {
		return this.processes.size();
	}

	SharedMemory memory() {
		return this.memory;
	}

	/**
	 * Runs {@code jobs.get(i)} on worker {@code i}, all at once, and waits for every report.
	 */
	List<WorkerReport> run(List<Job> jobs, Duration timeout) {
		if (jobs.size() > this.processes.size()) {
			throw new IllegalArgumentException(jobs.size() + " jobs for " + this.processes.size() + " workers");
		}
		for (int i = 0; i < jobs.size(); i++) {
			this.control.rpush(jobs(Integer.toString(i)), jobs.get(i).encode());
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		List<WorkerReport> reports = new ArrayList<>(jobs.size());
		for (int i = 0; i < jobs.size(); i++) {
			long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
			List<String> popped = this.control.blpop((int) seconds, results(Integer.toString(i)));
			if (popped == null) {
				JavaProcess process = this.processes.get(i);
				throw new IllegalStateException(process + " did not report within " + timeout + " (alive: "
						+ process.isAlive() + "); output:" + System.lineSeparator() + process.output());
			}
			reports.add(WorkerReport.decode(popped.get(1)));
		}
		return reports;
	}

	@Override
	public void close() {
		for (int i = 0; i < this.processes.size(); i++) {
			try {
				this.control.rpush(jobs(Integer.toString(i)), Job.QUIT.encode());
			}
			catch (RuntimeException ex) {
				// The control server is gone: closing the process below kills it.
			}
		}
		for (JavaProcess process : this.processes) {
			try {
				process.waitFor(Duration.ofSeconds(15));
			}
			catch (IllegalStateException ex) {
				// Still running: closing it kills it.
			}
			process.close();
		}
		this.control.close();
		try {
			Files.deleteIfExists(this.memoryFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + this.memoryFile, ex);
		}
	}

}
