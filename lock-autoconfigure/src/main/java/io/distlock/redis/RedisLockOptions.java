package io.distlock.redis;

import java.time.Duration;
import java.util.Objects;

import io.distlock.core.LockHolder;

/**
 * How {@link RedisLockManager} lays out and hands over locks in Redis.
 *
 * @param keyPrefix prefix of every lock key (and notification channel)
 * @param fairHandOverWindow how long a released lock stays reserved for the process that has waited
 * longest for it, when other processes are known to wait
 * @param replicaAcks how many replicas must acknowledge an acquisition ({@code WAIT}) before it
 * counts; 0 counts it at once
 * @param replicaAckTimeout how long each {@code WAIT} may block for those acknowledgements
 * @param holder how this process is named beside the locks it holds, for operators (see
 * {@link LockHolder})
 * @since 1.0.0
 */
public record RedisLockOptions(String keyPrefix, Duration fairHandOverWindow, int replicaAcks,
		Duration replicaAckTimeout, String holder) {

	/** How long a {@code WAIT} blocks by default: 500ms. */
	public static final Duration DEFAULT_REPLICA_ACK_TIMEOUT = Duration.ofMillis(500);

	/**
	 * The defaults: prefix {@code lock:}, hand-over window 50ms, no replica acknowledgement.
	 */
	public static final RedisLockOptions DEFAULTS = new RedisLockOptions("lock:", Duration.ofMillis(50));

	public RedisLockOptions {
		Objects.requireNonNull(keyPrefix, "'keyPrefix' must not be null");
		Objects.requireNonNull(fairHandOverWindow, "'fairHandOverWindow' must not be null");
		Objects.requireNonNull(replicaAckTimeout, "'replicaAckTimeout' must not be null");
		Objects.requireNonNull(holder, "'holder' must not be null");
		if (fairHandOverWindow.toMillis() < 1) {
			throw new IllegalArgumentException("fairHandOverWindow must be at least 1ms, got " + fairHandOverWindow);
		}
		if (replicaAcks < 0) {
			throw new IllegalArgumentException("replicaAcks must not be negative, got " + replicaAcks);
		}
		if (replicaAckTimeout.toMillis() < 1) {
			throw new IllegalArgumentException("replicaAckTimeout must be at least 1ms, got " + replicaAckTimeout);
		}
	}

	/**
	 * Options that name this process by host and pid only.
	 * @param keyPrefix prefix of every lock key
	 * @param fairHandOverWindow the fair hand-over window
	 * @param replicaAcks how many replicas must acknowledge an acquisition
	 * @param replicaAckTimeout how long each {@code WAIT} may block
	 */
	public RedisLockOptions(String keyPrefix, Duration fairHandOverWindow, int replicaAcks,
			Duration replicaAckTimeout) {
		this(keyPrefix, fairHandOverWindow, replicaAcks, replicaAckTimeout, LockHolder.of(null));
	}

	/**
	 * Options that wait for no replica.
	 * @param keyPrefix prefix of every lock key
	 * @param fairHandOverWindow the fair hand-over window
	 */
	public RedisLockOptions(String keyPrefix, Duration fairHandOverWindow) {
		this(keyPrefix, fairHandOverWindow, 0, DEFAULT_REPLICA_ACK_TIMEOUT);
	}

	/**
	 * These options with another key prefix.
	 * @param keyPrefix the prefix
	 * @return new options
	 */
	public RedisLockOptions withKeyPrefix(String keyPrefix) {
		return new RedisLockOptions(keyPrefix, this.fairHandOverWindow, this.replicaAcks, this.replicaAckTimeout,
				this.holder);
	}

	/**
	 * These options with replica acknowledgement.
	 * @param replicas how many replicas must acknowledge an acquisition
	 * @param timeout how long each {@code WAIT} may block
	 * @return new options
	 */
	public RedisLockOptions withReplicaAcks(int replicas, Duration timeout) {
		return new RedisLockOptions(this.keyPrefix, this.fairHandOverWindow, replicas, timeout, this.holder);
	}

	/**
	 * These options with another holder name.
	 * @param holder how this process is named beside its locks
	 * @return new options
	 */
	public RedisLockOptions withHolder(String holder) {
		return new RedisLockOptions(this.keyPrefix, this.fairHandOverWindow, this.replicaAcks, this.replicaAckTimeout,
				holder);
	}

}
