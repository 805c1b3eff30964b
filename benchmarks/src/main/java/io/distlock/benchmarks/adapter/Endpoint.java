package io.distlock.benchmarks.adapter;

import java.util.List;

/**
 * Where the benchmark's Redis and ZooKeeper listen.
 *
 * @param host the Redis host
 * @param port the Redis port
 * @param zooKeeper the ZooKeeper connect string
 * @since 1.0.0
 */
public record Endpoint(String host, int port, String zooKeeper) {

	/** The system property that hands the Redis port to forked JVMs (JMH). */
	public static final String PORT_PROPERTY = "distlock.bench.redis-port";

	/** The system property that hands the ZooKeeper connect string to forked JVMs (JMH). */
	public static final String ZOOKEEPER_PROPERTY = "distlock.bench.zookeeper";

	/**
	 * The endpoint a parent JVM passed through {@value #PORT_PROPERTY} (on the loopback host) and
	 * {@value #ZOOKEEPER_PROPERTY}.
	 * @return the endpoint
	 * @throws IllegalStateException if a property is missing
	 */
	public static Endpoint fromSystemProperties() {
		String port = System.getProperty(PORT_PROPERTY);
		String zooKeeper = System.getProperty(ZOOKEEPER_PROPERTY);
		if (port == null || zooKeeper == null) {
			throw new IllegalStateException("System properties '" + PORT_PROPERTY + "' and '" + ZOOKEEPER_PROPERTY
					+ "' must name the Redis port and the ZooKeeper connect string");
		}
		return new Endpoint("127.0.0.1", Integer.parseInt(port), zooKeeper);
	}

	/**
	 * The JVM options that pass this endpoint to a forked JVM.
	 * @return {@code -Ddistlock.bench.redis-port=<port>} and {@code -Ddistlock.bench.zookeeper=<connect>}
	 */
	public List<String> asJvmOptions() {
		return List.of("-D" + PORT_PROPERTY + "=" + this.port, "-D" + ZOOKEEPER_PROPERTY + "=" + this.zooKeeper);
	}

}
