package io.distlock.benchmarks.adapter;

/**
 * Where the benchmark's Redis listens.
 *
 * @param host the host
 * @param port the port
 * @since 1.0.0
 */
public record Endpoint(String host, int port) {

	/** The system property that hands the port to forked JVMs (JMH). */
	public static final String PORT_PROPERTY = "distlock.bench.redis-port";

	/**
	 * The endpoint a parent JVM passed through {@value #PORT_PROPERTY} on the loopback host.
	 * @return the endpoint
	 * @throws IllegalStateException if the property is missing
	 */
	public static Endpoint fromSystemProperty() {
		String port = System.getProperty(PORT_PROPERTY);
		if (port == null) {
			throw new IllegalStateException("System property '" + PORT_PROPERTY + "' must name the Redis port");
		}
		return new Endpoint("127.0.0.1", Integer.parseInt(port));
	}

	/**
	 * The JVM option that passes this endpoint to a forked JVM.
	 * @return {@code -Ddistlock.bench.redis-port=<port>}
	 */
	public String asJvmOption() {
		return "-D" + PORT_PROPERTY + "=" + this.port;
	}

}
