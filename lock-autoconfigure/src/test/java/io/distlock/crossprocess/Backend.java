package io.distlock.crossprocess;

import java.time.Duration;

import io.distlock.redis.WitnessedRedis;
import io.distlock.zookeeper.ZooKeeperServerExtension;

/**
 * The backends the cross-process tests run on, with what differs between them: where workers
 * lock, and how soon a dead holder's lock frees.
 */
public enum Backend {

	/** Locks in the lock redis-server of a {@link WitnessedRedis}. */
	REDIS,

	/** Locks in an in-process ZooKeeper server. */
	ZOOKEEPER;

	/** The session timeout of ZooKeeper workers. */
	public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);

	public LockTarget target(WitnessedRedis redis, ZooKeeperServerExtension zookeeper) {
		return (this == REDIS) ? LockTarget.redis(redis.locks().host(), redis.locks().port())
				: LockTarget.zooKeeper(zookeeper.connectString(), SESSION_TIMEOUT);
	}

	/**
	 * Waits until the backend keeps nothing of the locks: Redis keeps a released lock for the
	 * 50ms fair hand-over window while another process waits, ZooKeeper removes an empty
	 * container node within the test server's 100ms check interval.
	 * @param redis the Redis servers
	 * @param zookeeper the ZooKeeper server
	 * @throws Exception if the backend cannot be asked
	 */
	public void awaitNothingLeft(WitnessedRedis redis, ZooKeeperServerExtension zookeeper) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds((this == REDIS) ? 1 : 10).toNanos();
		while (!holdsNothing(redis, zookeeper)) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError(this + " still keeps locks");
			}
			Thread.sleep(10);
		}
	}

	private boolean holdsNothing(WitnessedRedis redis, ZooKeeperServerExtension zookeeper) throws Exception {
		return (this == REDIS) ? redis.locks().lockKeyCount() == 0 : zookeeper.children("/distlock").isEmpty();
	}

	/**
	 * How long a crashed holder's lock at most outlives it.
	 * @param ttl the holder's lease
	 * @return the ttl on Redis, the session timeout on ZooKeeper
	 */
	public Duration freedAfter(Duration ttl) {
		return (this == REDIS) ? ttl : SESSION_TIMEOUT;
	}

	/**
	 * How long a crashed holder's lock at least outlives it, given that it renewed its lease (on
	 * ZooKeeper: its client pinged the session) no longer than a third of {@link #freedAfter}
	 * before it died.
	 * @param ttl the holder's lease
	 * @return two thirds of {@link #freedAfter(Duration)}
	 */
	public Duration freedNoSoonerThan(Duration ttl) {
		Duration freedAfter = freedAfter(ttl);
		return freedAfter.minus(freedAfter.dividedBy(3));
	}

}
