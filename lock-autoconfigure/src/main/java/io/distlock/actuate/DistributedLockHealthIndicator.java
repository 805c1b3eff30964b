package io.distlock.actuate;

import java.util.Objects;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.distlock.core.LockIntrospector;

/**
 * Health of the lock backend: UP when a lock script runs, DOWN with the cause otherwise.
 *
 * @since 1.0.0
 */
public class DistributedLockHealthIndicator extends AbstractHealthIndicator {

	private final LockIntrospector locks;

	/**
	 * Creates the indicator.
	 * @param locks the lock manager whose backend to check
	 */
	public DistributedLockHealthIndicator(LockIntrospector locks) {
		super("Lock backend health check failed");
		this.locks = Objects.requireNonNull(locks, "'locks' must not be null");
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		this.locks.checkBackend();
		builder.up().withDetail("heldLocks", this.locks.localLocks().stream().filter((state) -> state.held()).count());
	}

}
