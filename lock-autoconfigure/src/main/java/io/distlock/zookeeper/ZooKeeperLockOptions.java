package io.distlock.zookeeper;

import java.util.Objects;

import org.apache.curator.utils.PathUtils;

import io.distlock.core.LockHolder;

/**
 * How {@link ZooKeeperLockManager} lays out locks in ZooKeeper.
 *
 * @param basePath the node under which each key gets a container node of its own
 * @param holder how this process is named in the nodes it contends with, for operators (see
 * {@link LockHolder})
 * @since 1.0.0
 */
public record ZooKeeperLockOptions(String basePath, String holder) {

	/** The defaults: base path {@code /distlock}, this process named by host and pid only. */
	public static final ZooKeeperLockOptions DEFAULTS = new ZooKeeperLockOptions("/distlock");

	public ZooKeeperLockOptions {
		Objects.requireNonNull(basePath, "'basePath' must not be null");
		Objects.requireNonNull(holder, "'holder' must not be null");
		if (basePath.equals("/")) {
			throw new IllegalArgumentException("basePath must not be the root node, got '/'");
		}
		try {
			PathUtils.validatePath(basePath);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("basePath '" + basePath + "' is not a ZooKeeper path: "
					+ ex.getMessage(), ex);
		}
	}

	/**
	 * Options that name this process by host and pid only.
	 * @param basePath the node under which each key gets a container node of its own
	 */
	public ZooKeeperLockOptions(String basePath) {
		this(basePath, LockHolder.of(null));
	}

	/**
	 * These options with another holder name.
	 * @param holder how this process is named in its nodes
	 * @return new options
	 */
	public ZooKeeperLockOptions withHolder(String holder) {
		return new ZooKeeperLockOptions(this.basePath, holder);
	}

}
