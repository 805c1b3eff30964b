package io.distlock.zookeeper;

import java.util.Objects;

import org.apache.curator.framework.CuratorFramework;

import io.distlock.core.ForwardingLockManager;
import io.distlock.core.LockHandle;
import io.distlock.core.LockListener;
import io.distlock.core.LockManager;
import io.distlock.core.LockSettings;
import io.distlock.core.QueuedLockManager;

/**
 * The {@link LockManager} on ZooKeeper, through Apache Curator: a lock is an ephemeral sequential
 * node that lives with this process's session, its fencing token the node's creation zxid; local
 * FIFO queues with one node per key and process; waiters woken by a watch on the node in front.
 * <p>
 * A crashed holder's lock frees when its session expires. {@code ttl} bounds how long a holder
 * trusts its lock without hearing from the ensemble: a renewing lock checks its node every third
 * of the ttl, and a lock without renewal is given up (counted lost) when its ttl passes. While
 * the connection is suspended no handle is {@link LockHandle#isHeld() held}; reconnecting within
 * the session restores them, an expired session loses them. The client is the caller's: closing
 * the manager releases its locks but leaves the client open.
 * <p>
 * {@link #backendLocks} shows the head node of every key's queue under the base path, whichever
 * process it belongs to, with the holder, name and ttl its node records; {@link #forceRelease}
 * deletes that node, and the evicted holder's handle counts its lease lost at its next renewal.
 *
 * @since 1.0.0
 */
public final class ZooKeeperLockManager extends ForwardingLockManager {

	private final ZooKeeperLockBackend backend;

	/**
	 * Creates a manager with default options and settings and no listener.
	 * @param client the started Curator client to use
	 */
	public ZooKeeperLockManager(CuratorFramework client) {
		this(client, ZooKeeperLockOptions.DEFAULTS, LockSettings.DEFAULTS, LockListener.NO_OP);
	}

	/**
	 * Creates a manager.
	 * @param client the started Curator client to use
	 * @param options the ZooKeeper node layout and how this process is named there
	 * @param settings how to wait
	 * @param listener what observes requests
	 */
	public ZooKeeperLockManager(CuratorFramework client, ZooKeeperLockOptions options, LockSettings settings,
			LockListener listener) {
		this(new ZooKeeperLockBackend(client, Objects.requireNonNull(options, "'options' must not be null")), settings,
				listener);
	}

	private ZooKeeperLockManager(ZooKeeperLockBackend backend, LockSettings settings, LockListener listener) {
		super(new QueuedLockManager(backend, settings, listener));
		this.backend = backend;
	}

	/**
	 * How much per-key state this process keeps now (local queues plus ZooKeeper nodes); zero once
	 * every lock is released.
	 * @return the count
	 */
	@Override
	public int activeKeys() {
		return super.activeKeys() + this.backend.contendedKeys();
	}

}
