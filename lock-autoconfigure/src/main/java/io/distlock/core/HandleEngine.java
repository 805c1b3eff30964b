package io.distlock.core;

import java.time.Duration;

/**
 * What a {@link LockHandle} asks of the engine behind it: every change of a request's state goes
 * through these calls, so the key's state machine decides it.
 */
interface HandleEngine {

	/**
	 * Releases a held lock, keeping its lease for {@code delay} when positive; cancels a request
	 * still waiting.
	 */
	void unlock(Acquisition acquisition, Duration delay);

	/**
	 * Cancels a waiting request, or releases the lock if it was granted first.
	 */
	void cancel(Acquisition acquisition);

	/**
	 * Cancels a request only while it still waits, for an interrupted waiter: a lock granted
	 * first stays held.
	 */
	void withdraw(Acquisition acquisition);

	/**
	 * Runs the attempt requested for {@code acquisition} on the calling thread, if one is pending.
	 */
	void runPendingAttempt(Acquisition acquisition);

	/**
	 * Whether the backend reported its connection suspended, so that no lock is safely held.
	 */
	boolean backendSuspended();

	/**
	 * Runs user-facing notifications where they cannot stall the engine.
	 */
	void notify(Runnable notification);

}
