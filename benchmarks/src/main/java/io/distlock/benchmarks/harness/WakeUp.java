package io.distlock.benchmarks.harness;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.distlock.benchmarks.adapter.LockAdapter;

/**
 * The wake-up hand-shake between two JVMs over shared memory: the holder takes the lock, waits
 * until the waiter is blocked in {@code lock()}, keeps the lock a little longer, releases it and
 * notes when its release returned; the waiter notes when its {@code lock()} returned. The
 * difference is the wake-up latency ({@link System#nanoTime()} is one clock for the whole
 * machine on Linux).
 */
final class WakeUp {

	private static final int HELD = 16;

	private static final int WAITING = 17;

	private static final int RELEASED = 18;

	private static final int DONE = 19;

	private static final int RELEASED_AT = 20;

	private static final int WITNESS = 32;

	private static final long HAND_SHAKE_TIMEOUT = TimeUnit.SECONDS.toNanos(60);

	private WakeUp() {
	}

	static Occupancy witness(SharedMemory memory) {
		return new Occupancy(memory, WITNESS);
	}

	static LoadLoop.Result hold(LockAdapter adapter, SharedMemory memory, Occupancy witness, String key,
			int iterations, long holdNanos) {
		long startedAt = System.nanoTime();
		for (int i = 1; i <= iterations; i++) {
			int iteration = i;
			adapter.runLocked(key, () -> {
				witness.enter(0);
				memory.setInt(HELD, iteration);
				await(memory, WAITING, iteration);
				LockSupport.parkNanos(holdNanos);
				witness.exit(0);
			});
			memory.setLong(RELEASED_AT, System.nanoTime());
			memory.setInt(RELEASED, iteration);
			await(memory, DONE, iteration);
		}
		return new LoadLoop.Result(iterations, startedAt, System.nanoTime(), new Samples(), new Samples(), 0, null);
	}

	static LoadLoop.Result await(LockAdapter adapter, SharedMemory memory, Occupancy witness, String key,
			int iterations) {
		long startedAt = System.nanoTime();
		Samples wakeUps = new Samples();
		long[] acquiredAt = new long[1];
		Runnable section = () -> {
			acquiredAt[0] = System.nanoTime();
			witness.enter(0);
			witness.exit(0);
		};
		for (int i = 1; i <= iterations; i++) {
			await(memory, HELD, i);
			memory.setInt(WAITING, i);
			adapter.runLocked(key, section);
			await(memory, RELEASED, i);
			wakeUps.add(acquiredAt[0] - memory.getLong(RELEASED_AT));
			memory.setInt(DONE, i);
		}
		return new LoadLoop.Result(iterations, startedAt, System.nanoTime(), new Samples(), wakeUps, 0, null);
	}

	private static void await(SharedMemory memory, int slot, int value) {
		long deadline = System.nanoTime() + HAND_SHAKE_TIMEOUT;
		while (memory.getInt(slot) != value) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Wake-up hand-shake stalled waiting for slot " + slot + " = " + value);
			}
			LockSupport.parkNanos(20_000);
		}
	}

}
