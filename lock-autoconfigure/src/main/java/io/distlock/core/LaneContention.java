package io.distlock.core;

import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

import io.distlock.core.spi.ReleaseWatch;

/**
 * How the front of one {@link KeyLane} contends, guarded by the lane's lock: its attempt in
 * flight, a wake-up that arrived meanwhile, its retries and their timer, whether the backend
 * holds a record of this process waiting, and the watch that hears of releases.
 */
final class LaneContention {

	private boolean attemptInFlight;

	private boolean wakePending;

	private boolean waiterRecorded;

	private int retries;

	private @Nullable ScheduledFuture<?> retryTimer;

	private @Nullable ReleaseWatch watch;

	private boolean watchOpening;

	/**
	 * Starts an attempt unless one is in flight, which then learns of the wake-up.
	 * @return whether the attempt may be made now
	 */
	boolean begin() {
		if (!wake()) {
			return false;
		}
		this.attemptInFlight = true;
		this.wakePending = false;
		cancelRetry();
		return true;
	}

	/**
	 * A release was seen or the retry timer fired.
	 * @return whether to attempt now; when an attempt is in flight, its answer attempts again
	 */
	boolean wake() {
		if (this.attemptInFlight) {
			this.wakePending = true;
			return false;
		}
		return true;
	}

	boolean inFlight() {
		return this.attemptInFlight;
	}

	/**
	 * The attempt was answered.
	 * @param busy whether the lock was busy, which leaves a record of this process waiting
	 * @param failed whether no answer came, which leaves that record as it was
	 */
	void answered(boolean busy, boolean failed) {
		this.attemptInFlight = false;
		if (!failed) {
			this.waiterRecorded = busy;
		}
	}

	/** A release call handed the lock to this process, which no longer waits in the backend. */
	void handedOff() {
		this.waiterRecorded = false;
	}

	/** Whether the backend may hold a record of this process waiting, made by a busy attempt. */
	boolean waiterRecorded() {
		return this.waiterRecorded;
	}

	boolean firstAnswer() {
		return this.retries == 0;
	}

	/**
	 * Counts one more unsuccessful answer.
	 * @return how many came before it
	 */
	int countRetry() {
		return this.retries++;
	}

	/** Takes a wake-up that arrived while the attempt was in flight. */
	boolean takeWakePending() {
		boolean pending = this.wakePending;
		this.wakePending = false;
		return pending;
	}

	void retryWith(ScheduledFuture<?> timer) {
		this.retryTimer = timer;
	}

	/**
	 * Whether a watch must be opened now; it is then marked opening until {@link #watchOpened}.
	 */
	boolean needsWatch() {
		if (this.watch != null || this.watchOpening) {
			return false;
		}
		this.watchOpening = true;
		return true;
	}

	void watchOpened(@Nullable ReleaseWatch opened) {
		this.watchOpening = false;
		this.watch = opened;
	}

	void watchNotWanted() {
		this.watchOpening = false;
	}

	/** Forgets the front's retries: the next front, or the holder, starts afresh. */
	void reset() {
		cancelRetry();
		this.retries = 0;
		this.wakePending = false;
	}

	/** Gives up the watch, for the caller to close once the lane is unlocked. */
	@Nullable ReleaseWatch takeWatch() {
		ReleaseWatch closing = this.watch;
		this.watch = null;
		return closing;
	}

	private void cancelRetry() {
		if (this.retryTimer != null) {
			this.retryTimer.cancel(false);
			this.retryTimer = null;
		}
	}

}
