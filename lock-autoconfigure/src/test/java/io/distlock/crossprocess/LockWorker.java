package io.distlock.crossprocess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * <li>{@code hold target witnessHost witnessPort key ttlMillis}: takes the lock with renewal, prints
 * {@code HELD <token>}, then waits; if the lease is ever lost it prints {@code LOST}, tries a fenced
 * write with its token and prints {@code FENCED <accepted>}.</li>
 * </ul>
 * The {@code target} is a {@link LockTarget}.
 */
public final class LockWorker {

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
						Duration.ofMillis(Long.parseLong(args[5])));
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
		List<Thread> workers = new ArrayList<>();
		LibraryThreads library = LibraryThreads.sample();
		for (int t = 0; t < threads; t++) {
			Thread worker = new Thread(() -> {
				try (Witness witness = new Witness(host, witnessPort)) {
					for (int i = 0; i < iterations; i++) {
						try (LockHandle handle = locks.acquire(request)) {
							witness.enter();
							witness.increment(0);
							witness.exit();
						}
					}
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
		library.close();
		System.out.println("LIBRARY_THREADS " + library.peak());
	}

	private static void hold(LockManager locks, String host, int witnessPort, String key, Duration ttl)
			throws InterruptedException {
		LockHandle handle = locks.acquire(LockRequest.of(key, ttl));
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

}
