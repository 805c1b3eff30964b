package io.distlock.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a free loopback port in front of one server, for tests that break the network
 * between a client and its server: replies can be delayed or dropped, all traffic blackholed,
 * and every connection reset, while the client's connections stay open (as across a broken
 * network) unless reset.
 * <p>
 * Each connection is pumped by two threads with blocking sockets. Faults apply to bytes read
 * after they are set and are thread-safe to change at any time.
 *
 * @since 1.0.0
 */
public final class TcpProxy implements AutoCloseable {

	private static final int BUFFER_SIZE = 16 * 1024;

	private final ServerSocket listener;

	private final InetSocketAddress target;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile Duration replyDelay = Duration.ZERO;

	private volatile boolean dropReplies;

	private volatile boolean dropRequests;

	private volatile boolean closed;

	private TcpProxy(ServerSocket listener, InetSocketAddress target) {
		this.listener = listener;
		this.target = target;
	}

	/**
	 * Starts a proxy on a free loopback port forwarding to {@code host:port}.
	 * @param host the server's host
	 * @param port the server's port
	 * @return the running proxy
	 */
	public static TcpProxy start(String host, int port) {
		Objects.requireNonNull(host, "'host' must not be null");
		try {
			ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
			TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress(host, port));
			daemon("tcp-proxy-accept-" + listener.getLocalPort(), proxy::acceptLoop).start();
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open a proxy to " + host + ":" + port, ex);
		}
	}

	/**
	 * Returns the host clients connect to.
	 * @return the loopback address
	 */
	public String host() {
		return this.listener.getInetAddress().getHostAddress();
	}

	/**
	 * Returns the port clients connect to.
	 * @return the port
	 */
	public int port() {
		return this.listener.getLocalPort();
	}

	/**
	 * Holds every reply from the server for {@code delay} before passing it on.
	 * @param delay the added latency; zero for none
	 */
	public void delayReplies(Duration delay) {
		if (Objects.requireNonNull(delay, "'delay' must not be null").isNegative()) {
			throw new IllegalArgumentException("'delay' must not be negative, got " + delay);
		}
		this.replyDelay = delay;
	}

	/**
	 * Passes requests to the server but drops its replies, as when a reply is lost after the
	 * server acted.
	 */
	public void dropReplies() {
		this.dropReplies = true;
	}

	/**
	 * Drops traffic in both directions, as a network partition does.
	 */
	public void blackhole() {
		this.dropRequests = true;
		this.dropReplies = true;
	}

	/**
	 * Ends every fault: traffic flows again, undelayed. Bytes dropped meanwhile stay lost.
	 */
	public void heal() {
		this.replyDelay = Duration.ZERO;
		this.dropReplies = false;
		this.dropRequests = false;
	}

	/**
	 * Resets every open connection (TCP RST on both sides); new connections are accepted.
	 */
	public void resetConnections() {
		for (Socket socket : this.sockets) {
			reset(socket);
		}
	}

	/**
	 * Returns the number of client connections open now.
	 * @return the number of connections
	 */
	public int connections() {
		return this.sockets.size() / 2;
	}

	/**
	 * Stops accepting and resets every connection.
	 */
	@Override
	public void close() {
		this.closed = true;
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// Closing a listening socket fails only if already closed.
		}
		resetConnections();
	}

	private void acceptLoop() {
		while (!this.closed) {
			try {
				Socket client = this.listener.accept();
				Socket server = new Socket();
				try {
					server.connect(this.target, 2000);
				}
				catch (IOException ex) {
					reset(client);
					continue;
				}
				client.setTcpNoDelay(true);
				server.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(server);
				String name = "tcp-proxy-" + port() + "-" + client.getPort();
				daemon(name + "-request", () -> pump(client, server, false)).start();
				daemon(name + "-reply", () -> pump(server, client, true)).start();
			}
			catch (IOException ex) {
				if (!this.closed) {
					throw new UncheckedIOException("Proxy on port " + port() + " stopped accepting", ex);
				}
			}
		}
	}

	private void pump(Socket from, Socket to, boolean reply) {
		byte[] buffer = new byte[BUFFER_SIZE];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				if (reply ? this.dropReplies : this.dropRequests) {
					continue;
				}
				Duration delay = reply ? this.replyDelay : Duration.ZERO;
				if (!delay.isZero()) {
					Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
				}
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// The connection ended (closed, reset or the peer went away): end both sides.
		}
		reset(from);
		reset(to);
	}

	private void reset(Socket socket) {
		this.sockets.remove(socket);
		try {
			// Linger 0 makes close() send RST rather than FIN, as a broken connection does.
			socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// Already closed.
		}
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Nothing more to release.
		}
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

}
