package io.distlock.benchmarks.harness;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import redis.clients.jedis.Jedis;

import io.distlock.benchmarks.adapter.Endpoint;
import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.adapter.LockAdapter;

/**
 * A worker JVM for the cross-process scenarios: opens every library once, then runs the jobs the
 * coordinator pushes to its list on the control Redis and pushes back a report for each, until
 * told to quit. Arguments: {@code host benchPort controlPort workerId sharedMemoryFile libraries}.
 *
 * @since 1.0.0
 */
public final class Worker {

	static final String READY = "WORKER READY";

	private final Map<Library, LockAdapter> adapters;

	private final SharedMemory memory;

	private Worker(Map<Library, LockAdapter> adapters, SharedMemory memory) {
		this.adapters = adapters;
		this.memory = memory;
	}

	/**
	 * Runs the worker.
	 * @param args {@code host benchPort controlPort workerId sharedMemoryFile libraries zooKeeper}
	 */
	public static void main(String[] args) {
		Endpoint endpoint = new Endpoint(args[0], Integer.parseInt(args[1]), args[6]);
		int controlPort = Integer.parseInt(args[2]);
		String id = args[3];
		Map<Library, LockAdapter> adapters = new EnumMap<>(Library.class);
		Arrays.stream(args[5].split(",")).map(Library::valueOf).forEach((library) -> adapters.put(library,
				library.open(endpoint)));
		Worker worker = new Worker(adapters, SharedMemory.mapped(Path.of(args[4])));
		try (Jedis control = new Jedis(endpoint.host(), controlPort, 0)) {
			// The coordinator checks that both JVMs read the same monotonic clock.
			System.out.println(READY + " " + System.nanoTime());
			System.out.flush();
			for (;;) {
				List<String> popped = control.blpop(0, Workers.jobs(id));
				Job job = Job.decode(popped.get(1));
				if (job.kind() == Job.Kind.QUIT) {
					break;
				}
				control.rpush(Workers.results(id), worker.run(job).encode());
			}
		}
		finally {
			adapters.values().forEach(LockAdapter::close);
		}
		System.exit(0);
	}

	private WorkerReport run(Job job) {
		try {
			LockAdapter adapter = this.adapters.get(job.library());
			if (adapter == null) {
				return WorkerReport.failed(job.library() + " is not open in this worker");
			}
			return switch (job.kind()) {
				case CONTEND -> {
					Occupancy witness = new Occupancy(this.memory, 0);
					LoadLoop.Result result = LoadLoop.run(adapter, job.count(), LoadLoop.Keys.single(job.key()), witness,
							job.startAt(), job.endAt());
					yield new WorkerReport(result, witness.violations());
				}
				case HOLD -> {
					Occupancy witness = WakeUp.witness(this.memory);
					yield new WorkerReport(WakeUp.hold(adapter, this.memory, witness, job.key(), job.count(),
							job.holdNanos()), witness.violations());
				}
				case WAKE -> {
					Occupancy witness = WakeUp.witness(this.memory);
					yield new WorkerReport(WakeUp.await(adapter, this.memory, witness, job.key(), job.count()),
							witness.violations());
				}
				case QUIT -> throw new IllegalStateException("QUIT is not a job to run");
			};
		}
		catch (RuntimeException ex) {
			return WorkerReport.failed(ex.toString());
		}
	}

}
