package io.distlock.benchmarks.adapter;

import java.time.Duration;

import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson holding locks with its watchdog: {@code RLock.lock()} without a lease time, the
 * watchdog timeout set to the scenario's ttl. Redisson tells nobody of a lost lease, so there is
 * no signal to count; {@code isHeldByCurrentThread()} asks Redis at the end.
 */
final class RedissonLockHolder implements LockHolder {

	private final RedissonClient client;

	RedissonLockHolder(Endpoint endpoint, Duration ttl) {
		Config config = RedissonAdapter.singleServer(endpoint);
		config.setLockWatchdogTimeout(ttl.toMillis());
		this.client = Redisson.create(config);
	}

	@Override
	public Lease take(String key) {
		RLock lock = this.client.getLock(key);
		lock.lock();
		return new Lease() {

			@Override
			public boolean held() {
				return lock.isHeldByCurrentThread();
			}

			@Override
			public void release() {
				lock.unlock();
			}

		};
	}

	@Override
	public long signalledLost() {
		return -1;
	}

	@Override
	public String lossNote() {
		return "no lost-lease signal; a lease counts as lost when isHeldByCurrentThread() is false at the end";
	}

	@Override
	public String threadPrefix() {
		return "redisson-";
	}

	@Override
	public String redisKey(String key) {
		return key;
	}

	@Override
	public void close() {
		this.client.shutdown();
	}

}
