package io.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;

/**
 * Finds free TCP ports on the loopback address.
 *
 * @since 1.0.0
 */
final class FreePorts {

	/** The only address the fixture's servers listen on. */
	static final String HOST = "127.0.0.1";

	// A developer's own Redis may live on these: never hand them out.
	private static final Set<Integer> RESERVED = Set.of(6379, 16379, 26379);

	private static final int ATTEMPTS = 20;

	private static final int CLUSTER_BUS_OFFSET = 10000;

	private static final int MAX_PORT = 65535;

	private FreePorts() {
	}

	/**
	 * Returns a port that was free a moment ago; a caller that loses the race retries.
	 * @return a free port
	 */
	static int find() {
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			try (ServerSocket socket = bind(0)) {
				int port = socket.getLocalPort();
				if (!RESERVED.contains(port)) {
					return port;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot bind a socket on " + HOST, ex);
			}
		}
		throw new IllegalStateException("No free port on " + HOST + " after " + ATTEMPTS + " attempts");
	}

	/**
	 * Returns a free port whose cluster bus port, {@value #CLUSTER_BUS_OFFSET} higher, is
	 * free too: Redis 6 has no {@code cluster-port} directive to choose another.
	 * @return a free port
	 */
	static int findWithClusterBus() {
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			int port = find();
			if (port + CLUSTER_BUS_OFFSET <= MAX_PORT && isFree(port + CLUSTER_BUS_OFFSET)) {
				return port;
			}
		}
		throw new IllegalStateException(
				"No free port with a free cluster bus port on " + HOST + " after " + ATTEMPTS + " attempts");
	}

	/**
	 * Waits until {@code port} can be bound again.
	 * @param port the port
	 * @param timeout how long to wait
	 * @return whether the port became free in time
	 */
	static boolean awaitFree(int port, Duration timeout) {
		return Poll.until(timeout, () -> isFree(port));
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = bind(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static ServerSocket bind(int port) throws IOException {
		ServerSocket socket = new ServerSocket();
		try {
			// Same as redis-server, so TIME_WAIT leftovers do not count as "in use".
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(HOST, port));
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

}
