package io.distlock.core;

import java.time.Duration;

import org.junit.jupiter.api.Nested;

import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.LockBackendContractTests;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InMemoryLockBackend}: it keeps the {@link LockBackendContractTests contract}
 * when it accepts hand-offs, when it declines them and when it lets leases be handed on in
 * memory. Every simulated process shares the one store, and time passes only on its test clock.
 */
class InMemoryLockBackendContractTests {

	@Nested
	class AcceptingHandOffs extends Store {

		@Override
		InMemoryLockBackend newStore() {
			return new InMemoryLockBackend();
		}

	}

	@Nested
	class DecliningHandOffs extends Store {

		@Override
		InMemoryLockBackend newStore() {
			return new InMemoryLockBackend().acceptHandOffs(false);
		}

	}

	@Nested
	class HandingOffInMemory extends Store {

		@Override
		InMemoryLockBackend newStore() {
			return new InMemoryLockBackend().allowInMemoryHandOffs(true);
		}

	}

	/**
	 * The suite on one in-memory store per test, set up by the variant.
	 */
	abstract static class Store extends LockBackendContractTests {

		private final InMemoryLockBackend store = newStore();

		abstract InMemoryLockBackend newStore();

		@Override
		protected LockBackend newBackend() {
			return this.store;
		}

		@Override
		protected void passTime(Duration duration) {
			this.store.advance(duration);
		}

		@Override
		protected void assertNoResidue() {
			assertThat(this.store.keys()).as("held keys").isEmpty();
			assertThat(this.store.waitedKeys()).as("keys busy mutex attempts wait for").isEmpty();
			assertThat(this.store.openWatches()).as("open watches").isZero();
		}

	}

}
