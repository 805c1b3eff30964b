package io.distlock.benchmarks.adapter;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockResult;

/**
 * distlock holding locks through the auto-configured lock manager with meters on:
 * {@code lock(key, ttl, wait)} then {@code await()}; a lost lease is counted from
 * {@code leaseLost()} and from the {@code distlock.lost} meter.
 */
final class DistlockLockHolder implements LockHolder {

	/** The default of {@code distlock.key-prefix}. */
	private static final String KEY_PREFIX = "lock:";

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AspectContext context;

	private final LockManager locks;

	private final Duration ttl;

	private final AtomicLong lost = new AtomicLong();

	DistlockLockHolder(Endpoint endpoint, Duration ttl) {
		this.context = AspectContext.onRedis(endpoint, this.meters);
		this.locks = this.context.lockManager();
		this.ttl = ttl;
	}

	@Override
	public Lease take(String key) {
		LockHandle handle = this.locks.lock(key, this.ttl, LockAdapter.WAIT);
		LockResult result = handle.await();
		if (!result.acquired()) {
			handle.cancel();
			throw new IllegalStateException("distlock lock '" + key + "' not acquired: " + result.status(),
					result.failure());
		}
		handle.leaseLost().thenRun(this.lost::incrementAndGet);
		return new Lease() {

			@Override
			public boolean held() {
				return handle.isHeld();
			}

			@Override
			public void release() {
				handle.unlock();
			}

		};
	}

	@Override
	public long signalledLost() {
		return this.lost.get();
	}

	@Override
	public String lossNote() {
		double meter = this.meters.find("distlock.lost").counters().stream().mapToDouble(Counter::count).sum();
		return "leaseLost() completed " + this.lost.get() + " times; distlock.lost = " + (long) meter;
	}

	@Override
	public String threadPrefix() {
		return "distlock-";
	}

	@Override
	public String redisKey(String key) {
		return KEY_PREFIX + key;
	}

	@Override
	public void close() {
		this.context.close();
		this.meters.close();
	}

}
