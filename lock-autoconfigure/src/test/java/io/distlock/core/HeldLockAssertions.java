package io.distlock.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading and asserting the locks a backend lists for operators
 * ({@link LockIntrospector#backendLocks}), shared by the tests of each backend.
 */
public final class HeldLockAssertions {

	private static final String PID = "(pid " + ProcessHandle.current().pid() + ")";

	private HeldLockAssertions() {
	}

	/** More pages than any test lists: a view that gives out more never ends. */
	private static final int MAX_PAGES = 100;

	/**
	 * Every page of a view, from the first (cursor {@code null}) to the one without a next cursor.
	 * @param view a page for a cursor
	 * @return the pages, in order
	 */
	public static List<HeldLocksPage> allPages(Function<@Nullable String, HeldLocksPage> view) {
		List<HeldLocksPage> pages = new ArrayList<>();
		String cursor = null;
		do {
			assertThat(pages).as("pages before the last").hasSizeLessThan(MAX_PAGES);
			HeldLocksPage page = view.apply(cursor);
			pages.add(page);
			cursor = page.next();
		}
		while (cursor != null);
		return pages;
	}

	/**
	 * Every lock of {@link #allPages}, in order.
	 * @param view a page for a cursor
	 * @return the locks, duplicates kept
	 */
	public static List<HeldLock> allLocks(Function<@Nullable String, HeldLocksPage> view) {
		return allPages(view).stream().flatMap((page) -> page.locks().stream()).toList();
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
