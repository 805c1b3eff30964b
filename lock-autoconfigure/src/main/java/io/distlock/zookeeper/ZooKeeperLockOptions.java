package io.distlock.zookeeper;

import java.util.Objects;

import org.apache.curator.utils.PathUtils;

/**
 * How {@link ZooKeeperLockManager} lays out locks in ZooKeeper.
 *
 * @param basePath the node under which each key gets a container node of its own
 * @since 1.0.0
 */
public record ZooKeeperLockOptions(String basePath) {

	/** The defaults: base path {@code /distlock}. */
	public static final ZooKeeperLockOptions DEFAULTS = new ZooKeeperLockOptions("/distlock");

	public ZooKeeperLockOptions {
		Objects.requireNonNull(basePath, "'basePath' must not be null");
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

}
