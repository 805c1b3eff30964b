package io.distlock.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of the locks held in the backend by every process.
 *
 * @param locks the locks of this page, in the backend's order
 * @param next the cursor of the next page, {@code null} when this page is the last
 * @since 1.0.0
 */
public record HeldLocksPage(List<HeldLock> locks, @Nullable String next) {

	public HeldLocksPage {
		locks = List.copyOf(locks);
	}

}
