package io.distlock.crossprocess;

import java.time.Duration;

import io.distlock.core.LockListener;
import io.distlock.core.LockManager;
import io.distlock.core.LockSettings;
import io.distlock.redis.TestRedis;
import io.distlock.zookeeper.TestZooKeeper;

/**
 * Where a worker JVM takes its locks, passed as one argument: {@code redis:<host>:<port>} or
 * {@code zookeeper:<sessionTimeoutMillis>:<connectString>}.
 *
 * @param spec the argument
 */
public record LockTarget(String spec) {

	public static LockTarget redis(String host, int port) {
		return new LockTarget("redis:" + host + ":" + port);
	}

	public static LockTarget zooKeeper(String connectString, Duration sessionTimeout) {
		return new LockTarget("zookeeper:" + sessionTimeout.toMillis() + ":" + connectString);
	}

	/**
	 * Starts a manager with default settings on this target.
	 * @return the manager and what it owns, closed together
	 */
	public Opened open() {
		String[] parts = this.spec.split(":", 3);
		return switch (parts[0]) {
			case "redis" -> {
				TestRedis.Manager manager = TestRedis.Manager.start(parts[1], Integer.parseInt(parts[2]));
				yield new Opened(manager.locks(), manager);
			}
			case "zookeeper" -> {
				TestZooKeeper.Manager manager = TestZooKeeper.Manager.start(parts[2],
						Duration.ofMillis(Long.parseLong(parts[1])), LockSettings.DEFAULTS, LockListener.NO_OP);
				yield new Opened(manager.locks(), manager);
			}
			default -> throw new IllegalArgumentException("Unknown lock target '" + this.spec + "'");
		};
	}

	/**
	 * A manager and the resources it needs.
	 *
	 * @param locks the manager
	 * @param resources what to close with it
	 */
	public record Opened(LockManager locks, AutoCloseable resources) implements AutoCloseable {

		@Override
		public void close() throws Exception {
			this.resources.close();
		}

	}

}
