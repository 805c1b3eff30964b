package io.distlock.testsupport;

/**
 * Child JVM for {@link JavaProcessTests}: prints {@code READY}, its
 * {@code distlock.test.greeting} system property and its arguments, then exits with the
 * code in its first argument.
 */
final class ExitingMain {

	private ExitingMain() {
	}

	public static void main(String[] args) {
		System.out.println("READY " + System.getProperty("distlock.test.greeting") + " " + String.join(" ", args));
		System.exit(Integer.parseInt(args[0]));
	}

}
