package io.distlock.testsupport;

/**
 * Child JVM for {@link JavaProcessTests}: prints {@code TICK <n>} every 20 ms until
 * killed.
 */
final class TickingMain {

	private TickingMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		for (long tick = 0;; tick++) {
			System.out.println("TICK " + tick);
			Thread.sleep(20);
		}
	}

}
