package io.distlock.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.redis.RedisLockManager;
import io.distlock.redis.TestRedis;
import io.distlock.redis.Witness;

/**
 * A worker JVM of the fault suite, using the programmatic API as a user would; every critical
 * section is recorded by the {@link Witness} under the lock's key. Arguments:
 * {@code mode host lockPort witnessPort key ...}. Modes:
 * <ul>
 * <li>{@code load key threads acquisitions keys}: every thread takes one of {@code keys} locks
 * named {@code key:<n>} at random, {@code acquisitions} times in all, each section entered,
 * incremented, fence-written, logged and left; prints {@code DONE <nanos>}.</li>
 * <li>{@code hold key ttlMillis}: waits for the lock, prints {@code HELD <token> <nanoTime>} and
 * announces {@code <pid> <token> <nanoTime>} to the witness list {@code held:<key>}, then holds
 * it with renewal until killed.</li>
 * <li>{@code section key ttlMillis workMillis}: takes the lock, enters the section and prints
 * {@code HELD <token>}, works (sleeps) for {@code workMillis}, then does the unfenced increment and
 * the fenced write and leaves; prints {@code FENCED <accepted> <held> <lossReported>} (the loss
 * reported through the handle, when no longer held) and, after
 * unlocking, {@code UNLOCKED}.</li>
 * <li>{@code herd key ttlMillis waiters}: {@code waiters} threads wait for the lock (one minute
 * bound) and hold it for a millisecond each; prints {@code DONE <acquired>}.</li>
 * </ul>
 */
public final class FaultWorker {

	private static final Duration LONG_WAIT = Duration.ofMinutes(5);

	private FaultWorker() {
	}

	public static void main(String[] args) throws Exception {
		String host = args[1];
		int witnessPort = Integer.parseInt(args[3]);
		String key = args[4];
		try (TestRedis.Manager manager = TestRedis.Manager.start(host, Integer.parseInt(args[2]));
				Witness witness = new Witness(host, witnessPort)) {
			RedisLockManager locks = manager.locks();
			switch (args[0]) {
				case "load" -> load(locks, host, witnessPort, key, Integer.parseInt(args[5]), Long.parseLong(args[6]),
						Integer.parseInt(args[7]));
				case "hold" -> hold(locks, witness, key, Duration.ofMillis(Long.parseLong(args[5])));
				case "section" -> section(locks, witness, key, Duration.ofMillis(Long.parseLong(args[5])),
						Long.parseLong(args[6]));
				case "herd" -> herd(locks, key, Duration.ofMillis(Long.parseLong(args[5])), Integer.parseInt(args[6]));
				default -> throw new IllegalArgumentException("Unknown mode " + args[0]);
			}
		}
		System.out.flush();
		System.exit(0);
	}

	private static void load(RedisLockManager locks, String host, int witnessPort, String key, int threads,
			long acquisitions, int keys) throws InterruptedException {
		AtomicLong remaining = new AtomicLong(acquisitions);
		long start = System.nanoTime();
		runThreads(threads, () -> {
			try (Witness witness = new Witness(host, witnessPort)) {
				while (remaining.getAndDecrement() > 0) {
					String lock = key + ":" + ThreadLocalRandom.current().nextInt(keys);
					try (LockHandle handle = locks.acquire(LockRequest.of(lock, Duration.ofSeconds(10))
						.withWaitTime(Duration.ofMinutes(1)))) {
						record(witness, lock, handle.fencingToken(), 0, () -> {
						});
					}
				}
			}
		});
		System.out.println("DONE " + (System.nanoTime() - start));
	}

	/**
	 * One critical section as the witness sees it: entered, {@code workMillis} of work, a lossy
	 * increment, a fenced write, logged with its times, left.
	 * @return whether the fenced write was accepted
	 */
	private static boolean record(Witness witness, String lock, long token, long workMillis, Runnable entered)
			throws InterruptedException {
		long start = System.nanoTime();
		witness.enter(lock);
		entered.run();
		if (workMillis > 0) {
			Thread.sleep(workMillis);
		}
		witness.increment(lock, 0);
		boolean accepted = witness.fencedWrite(lock, token);
		long end = System.nanoTime();
		witness.exit(lock);
		witness.log(lock, token, start, end);
		return accepted;
	}

	private static void hold(RedisLockManager locks, Witness witness, String key, Duration ttl)
			throws InterruptedException {
		LockHandle handle = locks.acquire(LockRequest.of(key, ttl).withWaitTime(LONG_WAIT));
		long at = System.nanoTime();
		System.out.println("HELD " + handle.fencingToken() + " " + at);
		witness.announce("held:" + key, ProcessHandle.current().pid() + " " + handle.fencingToken() + " " + at);
		Thread.sleep(LONG_WAIT.toMillis());
	}

	private static void section(RedisLockManager locks, Witness witness, String key, Duration ttl, long workMillis)
			throws Exception {
		LockHandle handle = locks.acquire(LockRequest.of(key, ttl).withWaitTime(Duration.ofSeconds(30)));
		long token = handle.fencingToken();
		boolean accepted = record(witness, key, token, workMillis, () -> System.out.println("HELD " + token));
		boolean held = handle.isHeld();
		boolean lossReported = !held && lossReported(handle);
		System.out.println("FENCED " + accepted + " " + held + " " + lossReported);
		handle.unlock();
		System.out.println("UNLOCKED");
	}

	private static boolean lossReported(LockHandle handle) {
		try {
			handle.leaseLost().get(5, TimeUnit.SECONDS);
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

	private static void herd(RedisLockManager locks, String key, Duration ttl, int waiters)
			throws InterruptedException {
		AtomicLong acquired = new AtomicLong();
		runThreads(waiters, () -> {
			LockHandle handle = locks.lock(LockRequest.of(key, ttl).withWaitTime(Duration.ofMinutes(1)));
			if (handle.await().acquired()) {
				acquired.incrementAndGet();
				Thread.sleep(1);
				handle.unlock();
			}
		});
		System.out.println("DONE " + acquired.get());
	}

	private static void runThreads(int count, Task task) throws InterruptedException {
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Thread thread = new Thread(() -> {
				try {
					task.run();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
	}

	@FunctionalInterface
	private interface Task {

		void run() throws InterruptedException;

	}

}
