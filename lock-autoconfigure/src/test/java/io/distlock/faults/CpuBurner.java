package io.distlock.faults;

/**
 * A JVM that keeps every core busy: args {@code threads millis}; spins that many threads for
 * that long, then exits.
 */
public final class CpuBurner {

	private CpuBurner() {
	}

	public static void main(String[] args) throws InterruptedException {
		int threads = Integer.parseInt(args[0]);
		long until = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000;
		Thread[] spinners = new Thread[threads];
		for (int i = 0; i < threads; i++) {
			spinners[i] = new Thread(() -> {
				long spins = 0;
				while (System.nanoTime() - until < 0) {
					spins++;
				}
				System.out.println("SPUN " + spins);
			});
			spinners[i].start();
		}
		for (Thread spinner : spinners) {
			spinner.join();
		}
	}

}
