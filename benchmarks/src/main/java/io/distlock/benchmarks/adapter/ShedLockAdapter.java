package io.distlock.benchmarks.adapter;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

/**
 * ShedLock's Spring Data Redis {@link RedisLockProvider} over a Jedis connection factory
 * (standalone or cluster), with its defaults: {@code SET NX PX} to lock and a plain {@code DEL}
 * to unlock ({@code safeUpdate} off). ShedLock never waits for a lock, so a busy lock is tried
 * again every millisecond, as the raw floor does.
 */
final class ShedLockAdapter implements LockAdapter {

	private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final JedisConnectionFactory connections;

	private final LockProvider provider;

	ShedLockAdapter(Endpoint endpoint) {
		this(Connections.springConnectionFactory(endpoint));
	}

	ShedLockAdapter(ClusterEndpoint cluster) {
		this(Connections.springConnectionFactory(cluster));
	}

	private ShedLockAdapter(JedisConnectionFactory connections) {
		this.connections = connections;
		this.provider = new RedisLockProvider(connections);
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		SimpleLock lock = acquire(key);
		try {
			criticalSection.run();
		}
		finally {
			lock.unlock();
		}
	}

	private SimpleLock acquire(String key) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		for (;;) {
			Optional<SimpleLock> lock = this.provider.lock(configuration(key));
			if (lock.isPresent()) {
				return lock.get();
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("ShedLock '" + key + "' not acquired within " + WAIT);
			}
			LockSupport.parkNanos(RETRY_NANOS);
		}
	}

	// Made per attempt: the lease runs from the configuration's creation time.
	private static LockConfiguration configuration(String key) {
		return new LockConfiguration(ClockProvider.now(), key, LEASE, Duration.ZERO);
	}

	@Override
	public void close() {
		this.connections.destroy();
	}

}
