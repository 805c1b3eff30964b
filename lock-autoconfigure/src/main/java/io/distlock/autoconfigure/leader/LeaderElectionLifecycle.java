package io.distlock.autoconfigure.leader;

import org.springframework.context.SmartLifecycle;

import io.distlock.leader.LeaderElection;

/**
 * Starts the election with the application context and yields leadership when it stops: after
 * scheduled tasks stopped and before the lock manager closes.
 */
final class LeaderElectionLifecycle implements SmartLifecycle {

	/** After the task scheduler (which stops first), before the lock manager and Redis. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final LeaderElection election;

	private volatile boolean running;

	LeaderElectionLifecycle(LeaderElection election) {
		this.election = election;
	}

	@Override
	public void start() {
		this.election.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.election.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
