package io.distlock.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process ZooKeeper server for a test class, with a 200ms tick (sessions of 0.4s to 4s)
 * and empty container nodes removed every 100ms; clients made by it are closed after each test.
 */
public final class ZooKeeperServerExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

	/** The session timeout of clients made by {@link #client()}. */
	public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);

	private static final int TICK_MILLIS = 200;

	private final List<CuratorFramework> clients = new ArrayList<>();

	private TestingServer server;

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		// Read by the server when it starts its container manager.
		System.setProperty("znode.container.checkIntervalMs", "100");
		System.setProperty("znode.container.maxPerMinute", "1000000");
		InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MILLIS, -1);
		this.server = new TestingServer(spec, true);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.clients.forEach(CuratorFramework::close);
		this.clients.clear();
	}

	@Override
	public void afterAll(ExtensionContext context) throws IOException {
		this.server.close();
	}

	/**
	 * The server's connect string.
	 * @return host:port
	 */
	public String connectString() {
		return this.server.getConnectString();
	}

	/**
	 * A started client with a {@link #SESSION_TIMEOUT} session, closed after the test.
	 * @return the client
	 */
	public CuratorFramework client() {
		return client(SESSION_TIMEOUT);
	}

	/**
	 * A started client, closed after the test.
	 * @param sessionTimeout its session timeout
	 * @return the client
	 */
	public CuratorFramework client(Duration sessionTimeout) {
		CuratorFramework client = newClient(connectString(), sessionTimeout);
		this.clients.add(client);
		return client;
	}

	/**
	 * A started and connected client of any ensemble, the caller's to close; it gives up after one
	 * second.
	 * @param connectString the ensemble
	 * @param sessionTimeout its session timeout
	 * @return the client
	 */
	public static CuratorFramework newClient(String connectString, Duration sessionTimeout) {
		CuratorFramework client = CuratorFrameworkFactory.builder()
			.connectString(connectString)
			.sessionTimeoutMs((int) sessionTimeout.toMillis())
			.connectionTimeoutMs(1000)
			.retryPolicy(new ExponentialBackoffRetry(50, 3, 500))
			.build();
		client.start();
		try {
			if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Could not connect to ZooKeeper at " + connectString);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while connecting to " + connectString, ex);
		}
		return client;
	}

	/**
	 * Stops the server, keeping its data; {@link #restart()} starts it again on the same port.
	 */
	public void stop() {
		try {
			this.server.stop();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Stops the server like {@link #stop()}, then waits until {@code client} noticed.
	 * @param client a client of this server
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void stopAndAwaitDisconnection(CuratorFramework client) throws InterruptedException {
		stop();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (client.getZookeeperClient().isConnected()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("The client did not notice that the server stopped");
			}
			Thread.sleep(10);
		}
	}

	/**
	 * Starts a stopped server again.
	 * @throws Exception if it does not start
	 */
	public void restart() throws Exception {
		this.server.restart();
	}

	/**
	 * The lock nodes under {@code basePath}: the children of every key's container.
	 * @param basePath the lock manager's base path
	 * @return how many there are
	 * @throws Exception if the server cannot be asked
	 */
	public long lockNodes(String basePath) throws Exception {
		long nodes = 0;
		for (String container : children(basePath)) {
			nodes += children(basePath + "/" + container).size();
		}
		return nodes;
	}

	/**
	 * The nodes under {@code path}, as seen by a fresh client.
	 * @param path a path
	 * @return the children's names, empty if the path does not exist
	 * @throws Exception if the server cannot be asked
	 */
	public List<String> children(String path) throws Exception {
		return children(connectString(), path);
	}

	/**
	 * The nodes under {@code path} in any ensemble, as seen by a fresh client.
	 * @param connectString the ensemble
	 * @param path a path
	 * @return the children's names, empty if the path does not exist
	 * @throws Exception if the ensemble cannot be asked
	 */
	public static List<String> children(String connectString, String path) throws Exception {
		try (CuratorFramework client = newClient(connectString, SESSION_TIMEOUT)) {
			return client.getChildren().forPath(path);
		}
		catch (KeeperException.NoNodeException ex) {
			return List.of();
		}
	}

}
