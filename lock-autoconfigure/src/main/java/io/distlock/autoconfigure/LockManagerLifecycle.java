package io.distlock.autoconfigure;

import org.springframework.context.SmartLifecycle;

import io.distlock.core.LockManager;

/**
 * Closes the lock manager when the application context stops, in the phase of the Redis
 * connection factory it depends on and so before that factory stops: held locks are released
 * instead of being left to expire. A stopped context cannot be started again with locks; a paused
 * one keeps its manager.
 */
final class LockManagerLifecycle implements SmartLifecycle {

	private final LockManager lockManager;

	private final int phase;

	private volatile boolean running;

	LockManagerLifecycle(LockManager lockManager, int phase) {
		this.lockManager = lockManager;
		this.phase = phase;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.lockManager.close();
	}

	/**
	 * Never paused: a closed manager cannot be started again, and a context that Spring's test
	 * context cache pauses is restarted later, expecting its beans to work.
	 * @return {@code false}
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

}
