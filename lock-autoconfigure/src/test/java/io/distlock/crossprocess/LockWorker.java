package io.distlock.crossprocess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.distlock.core.LibraryThreads;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.redis.Witness;

/**
 * A separate JVM using the lock as a user would, for the cross-process tests. Modes:
 * <ul>
 * <li>{@code contend target witnessHost witnessPort key threads iterations}: every thread takes the
 * lock {@code iterations} times and records each critical section with the {@link Witness}; prints
 * {@code LIBRARY_THREADS <peak>}, the most {@link LibraryThreads} seen meanwhile, then {@code DONE}.</li>
 * <li>{@code hold target witnessHost witnessPort key ttlMillis [kind]}: takes the lock with renewal,
 * as a {@link LockKind} (a mutex when left out), prints {@code HELD <token>}, then waits; if the
 * lease is ever lost it prints {@code LOST}, tries a fenced write with its token and prints
 * {@code FENCED <accepted>}.</li>
 * <li>{@code transfer target witnessHost witnessPort prefix threads iterations}: every thread makes
 * {@code iterations} transfers between two random accounts of {@value #ACCOUNTS}, locking both
 * with {@code lockAll} in the order the transfer names them; each records its section and adds one
 * to both accounts' counters with the {@link Witness}; prints {@code NOT_ACQUIRED <count>}, then
 * {@code DONE}.</li>
 * <li>{@code holdAll target witnessHost witnessPort prefix ttlMillis count}: takes {@code count}
 * keys with {@code lockAll} and renewal, prints {@code HELD}, then waits to be killed.</li>
 * <li>{@code kinds target witnessHost witnessPort key threads iterations kind writeEvery}: every
 * thread takes the lock {@code iterations} times as the {@link LockKind} {@code kind}, except that
 * thread 0 takes it as a mutex every {@code writeEvery}-th time (never when 0); each section is
 * entered with the {@link Witness} by its mode and permits, lasts {@value #KIND_SECTION_MILLIS}ms,
 * makes the lossy increment when a mutex, and is left.</li>
 * </ul>
 * The {@code target} is a {@link LockTarget}.
 */
public final class LockWorker {

	static final int ACCOUNTS = 10;

	static final long KIND_SECTION_MILLIS = 5;

	private LockWorker() {
	}

	public static void main(String[] args) throws Exception {
		String witnessHost = args[2];
		int witnessPort = Integer.parseInt(args[3]);
		String key = args[4];
		try (LockTarget.Opened manager = new LockTarget(args[1]).open()) {
			switch (args[0]) {
				case "contend" -> contend(manager.locks(), witnessHost, witnessPort, key, Integer.parseInt(args[5]),
						Integer.parseInt(args[6]));
				case "hold" -> hold(manager.locks(), witnessHost, witnessPort, key,
						Duration.ofMillis(Long.parseLong(args[5])),
						(args.length > 6) ? LockKind.parse(args[6]) : LockKind.MUTEX);
				case "transfer" -> transfer(manager.locks(), witnessHost, witnessPort, key, Integer.parseInt(args[5]),
						Integer.parseInt(args[6]));
				case "holdAll" -> holdAll(manager.locks(), key, Duration.ofMillis(Long.parseLong(args[5])),
						Integer.parseInt(args[6]));
				case "kinds" -> kinds(manager.locks(), witnessHost, witnessPort, key, Integer.parseInt(args[5]),
						Integer.parseInt(args[6]), LockKind.parse(args[7]), Integer.parseInt(args[8]));
				default -> throw new IllegalArgumentException("Unknown mode " + args[0]);
			}
		}
		System.out.println("DONE");
		System.out.flush();
		System.exit(0);
	}

	private static void contend(LockManager locks, String host, int witnessPort, String key, int threads,
			int iterations) throws InterruptedException {
		LockRequest request = LockRequest.of(key, Duration.ofSeconds(10)).withWaitTime(Duration.ofSeconds(60));
		LibraryThreads library = LibraryThreads.sample();
		inThreads(threads, host, witnessPort, (thread, witness) -> {
			for (int i = 0; i < iterations; i++) {
				try (LockHandle handle = locks.acquire(request)) {
					witness.enter();
					witness.increment(0);
					witness.exit();
				}
			}
		});
		library.close();
		System.out.println("LIBRARY_THREADS " + library.peak());
	}

	private static void hold(LockManager locks, String host, int witnessPort, String key, Duration ttl,
			LockKind kind) throws InterruptedException {
		LockHandle handle = locks.acquire(kind.of(LockRequest.of(key, ttl)));
		System.out.println("HELD " + handle.fencingToken());
		System.out.flush();
		while (handle.isHeld()) {
			Thread.sleep(10);
		}
		System.out.println("LOST");
		try (Witness witness = new Witness(host, witnessPort)) {
			System.out.println("FENCED " + witness.fencedWrite(handle.fencingToken()));
		}
		handle.unlock();
	}

	private static void transfer(LockManager locks, String host, int witnessPort, String prefix, int threads,
			int iterations) throws InterruptedException {
		AtomicInteger notAcquired = new AtomicInteger();
		inThreads(threads, host, witnessPort, (thread, witness) -> {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < iterations; i++) {
				int from = random.nextInt(ACCOUNTS);
				String to = prefix + ((from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS);
				try (LockHandle both = locks.lockAll(List.of(prefix + from, to), Duration.ofSeconds(10),
						Duration.ofSeconds(60))) {
					if (!both.await().acquired()) {
						notAcquired.incrementAndGet();
						continue;
					}
					witness.enter(prefix + from);
					witness.enter(to);
					witness.increment(prefix + from, 0);
					witness.increment(to, 0);
					witness.exit(to);
					witness.exit(prefix + from);
				}
			}
		});
		System.out.println("NOT_ACQUIRED " + notAcquired.get());
	}

	private static void kinds(LockManager locks, String host, int witnessPort, String key, int threads,
			int iterations, LockKind kind, int writeEvery) throws InterruptedException {
		LockRequest request = LockRequest.of(key, Duration.ofSeconds(10)).withWaitTime(Duration.ofSeconds(60));
		inThreads(threads, host, witnessPort, (thread, witness) -> {
			for (int i = 0; i < iterations; i++) {
				LockKind taken = (thread == 0 && writeEvery > 0 && i % writeEvery == 0) ? LockKind.MUTEX : kind;
				try (LockHandle handle = locks.acquire(taken.of(request))) {
					witness.enter(key, taken.mode(), taken.permits());
					Thread.sleep(KIND_SECTION_MILLIS);
					if (taken.isMutex()) {
						witness.increment(key, 1);
					}
					witness.exit(key, taken.mode());
				}
			}
		});
	}

	/**
	 * Runs {@code task} on {@code threads} new threads, numbered from 0, each with its own witness
	 * connection, and waits for all of them.
	 */
	private static void inThreads(int threads, String host, int witnessPort, WitnessedTask task)
			throws InterruptedException {
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			Thread worker = new Thread(() -> {
				try (Witness witness = new Witness(host, witnessPort)) {
					task.run(thread, witness);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			worker.start();
			workers.add(worker);
		}
		for (Thread worker : workers) {
			worker.join();
		}
	}

	/** The work of one thread, recorded with its witness. */
	@FunctionalInterface
	private interface WitnessedTask {

		void run(int thread, Witness witness) throws InterruptedException;

	}

	private static void holdAll(LockManager locks, String prefix, Duration ttl, int count)
			throws InterruptedException {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			keys.add(prefix + i);
		}
		LockHandle handle = locks.lockAll(keys, ttl, Duration.ofSeconds(10));
		System.out.println(handle.await().acquired() ? "HELD" : "NOT_HELD");
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
	}

}
