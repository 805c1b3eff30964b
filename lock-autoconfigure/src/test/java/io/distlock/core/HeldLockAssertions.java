package io.distlock.core;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on the locks a backend lists for operators ({@link LockIntrospector#backendLocks}),
 * shared by the tests of each backend.
 */
public final class HeldLockAssertions {

	private static final String PID = "(pid " + ProcessHandle.current().pid() + ")";

	private HeldLockAssertions() {
	}

	/**
	 * Asserts that {@code lock} is the exclusive lock {@code handle} holds in {@code application},
	 * an application of this JVM, under {@code name}, with {@code waiters} processes waiting.
	 * @param lock the listed lock
	 * @param application the holding application's {@code spring.application.name}
	 * @param handle the holder's handle
	 * @param name the lock's name
	 * @param waiters how many other processes wait for it
	 */
	public static void assertHeldBy(HeldLock lock, String application, LockHandle handle, String name, int waiters) {
		assertThat(lock.name()).isEqualTo(name);
		assertThat(lock.holder()).startsWith(application + "@").endsWith(PID);
		assertThat(lock.fencingToken()).isEqualTo(handle.fencingToken());
		assertThat(lock.mode()).isEqualTo(HeldLock.EXCLUSIVE);
		assertThat(lock.waiters()).as("processes waiting").isEqualTo(waiters);
	}

}
