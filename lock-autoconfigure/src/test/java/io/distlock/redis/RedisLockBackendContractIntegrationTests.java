package io.distlock.redis;

import java.time.Duration;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.LockBackendContractTests;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisLockBackend}: the {@link LockBackendContractTests contract} on a real
 * redis-server, each simulated process a backend with its own connections and process id.
 */
class RedisLockBackendContractIntegrationTests extends LockBackendContractTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@RegisterExtension
	final LockFixture fixture = new LockFixture(redis);

	@Override
	protected LockBackend newBackend() {
		return this.fixture.backend();
	}

	@Override
	protected void passTime(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

	/**
	 * Nothing under the key prefix, nor anywhere else: the server was flushed before the test.
	 */
	@Override
	protected void assertNoResidue() {
		assertThat(this.fixture.jedis().keys(RedisLockOptions.DEFAULTS.keyPrefix() + "*"))
			.allMatch((key) -> key.contains(RedisServer.FENCING_FLOOR));
		assertThat(this.fixture.lockKeyCount()).isZero();
	}

}
