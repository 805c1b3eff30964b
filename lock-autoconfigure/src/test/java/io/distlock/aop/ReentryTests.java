package io.distlock.aop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockLostException;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Reentry}: a held mutex covers every kind of the same key, a held lock covers
 * the same kind, and any other pair fails at once saying why.
 */
class ReentryTests {

	private static final LockRequest MUTEX = LockRequest.of("ledger:1", Duration.ofSeconds(30));

	private static final LockRequest SHARED = MUTEX.withMode(LockMode.SHARED);

	private static final LockRequest TWO_PERMITS = MUTEX.withPermits(2);

	@Test
	void takesItsOwnLockOutsideAHoldOfItsKey() {
		assertThat(Reentry.heldAround(null, MUTEX)).isNull();
		assertThat(Reentry.heldAround(new Held("ledger:2", LockMode.EXCLUSIVE, 1, true), MUTEX)).isNull();
		assertThat(Reentry.heldAround(new Held("ledger:1", LockMode.SHARED, 1, false), MUTEX))
			.as("a lock no longer held")
			.isNull();
	}

	@Test
	void aHeldMutexCoversEveryKind() {
		Held mutex = new Held("ledger:1", LockMode.EXCLUSIVE, 1, true);
		assertThat(Reentry.heldAround(mutex, MUTEX)).isSameAs(mutex);
		assertThat(Reentry.heldAround(mutex, SHARED)).isSameAs(mutex);
		assertThat(Reentry.heldAround(mutex, TWO_PERMITS)).isSameAs(mutex);
	}

	@Test
	void aHeldLockCoversTheSameKind() {
		Held shared = new Held("ledger:1", LockMode.SHARED, 1, true);
		Held permit = new Held("ledger:1", LockMode.EXCLUSIVE, 2, true);
		assertThat(Reentry.heldAround(shared, SHARED)).isSameAs(shared);
		assertThat(Reentry.heldAround(permit, TWO_PERMITS)).isSameAs(permit);
	}

	@Test
	void exclusiveWithinSharedFailsAsAnUpgradeThatWouldDeadlock() {
		Held shared = new Held("ledger:1", LockMode.SHARED, 1, true);
		assertThatExceptionOfType(LockException.class).isThrownBy(() -> Reentry.heldAround(shared, MUTEX))
			.withMessageContaining("Lock 'ledger:1' is held SHARED around this call, which asks for it EXCLUSIVE")
			.withMessageContaining("an upgrade from shared to exclusive would deadlock");
		assertThatExceptionOfType(LockException.class).isThrownBy(() -> Reentry.heldAround(shared, TWO_PERMITS))
			.withMessageContaining("which asks for it EXCLUSIVE with 2 permits")
			.withMessageContaining("an upgrade from shared to exclusive would deadlock");
	}

	@Test
	void anotherKindWithinAPermitFails() {
		Held permit = new Held("ledger:1", LockMode.EXCLUSIVE, 2, true);
		assertThatExceptionOfType(LockException.class).isThrownBy(() -> Reentry.heldAround(permit, SHARED))
			.withMessageContaining("Lock 'ledger:1' is held EXCLUSIVE with 2 permits around this call, which asks "
					+ "for it SHARED")
			.withMessageContaining("one of 2 permits does not cover it");
		assertThatExceptionOfType(LockException.class).isThrownBy(() -> Reentry.heldAround(permit, MUTEX))
			.withMessageContaining("which asks for it EXCLUSIVE:");
		assertThatExceptionOfType(LockException.class)
			.isThrownBy(() -> Reentry.heldAround(permit, MUTEX.withPermits(3)))
			.withMessageContaining("which asks for it EXCLUSIVE with 3 permits");
	}

	/**
	 * A handle that only says what it holds.
	 */
	record Held(String key, LockMode mode, int permits, boolean isHeld) implements LockHandle {

		@Override
		public LockResult await() {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<LockResult> result() {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<LockLostException> leaseLost() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void assertHeld() {
			throw new UnsupportedOperationException();
		}

		@Override
		public long fencingToken() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void unlock() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void unlockAfter(Duration delay) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void cancel() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void close() {
			throw new UnsupportedOperationException();
		}

	}

}
