package io.distlock.zookeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.LockBackendContractTests;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZooKeeperLockBackend}: the {@link LockBackendContractTests contract} on an
 * in-process ZooKeeper server, each simulated process a backend on a client (a session) of its
 * own. Its locks live with the session, so the expiry tests do not apply.
 */
class ZooKeeperLockBackendContractIntegrationTests extends LockBackendContractTests {

	private static final String BASE_PATH = ZooKeeperLockOptions.DEFAULTS.basePath();

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	private final List<ZooKeeperLockBackend> backends = new ArrayList<>();

	@AfterEach
	void closeBackends() {
		this.backends.forEach(ZooKeeperLockBackend::close);
	}

	@Override
	protected LockBackend newBackend() {
		ZooKeeperLockBackend backend = new ZooKeeperLockBackend(zookeeper.client(), ZooKeeperLockOptions.DEFAULTS);
		this.backends.add(backend);
		return backend;
	}

	@Override
	protected void passTime(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

	/**
	 * No lock node at once, and no key's container once the server's container sweep (every
	 * 100ms here) has run.
	 */
	@Override
	protected void assertNoResidue() throws Exception {
		assertThat(zookeeper.lockNodes(BASE_PATH)).as("lock nodes").isZero();
		assertThat(this.backends).allSatisfy((backend) -> assertThat(backend.contendedKeys()).isZero());
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!zookeeper.children(BASE_PATH).isEmpty()) {
			assertThat(System.nanoTime() - deadline).as("containers removed within 10s").isNegative();
			Thread.sleep(50);
		}
	}

}
