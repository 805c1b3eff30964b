package io.distlock.benchmarks.adapter;

import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/**
 * Curator's {@link InterProcessMutex}, one per key as its documentation shows: {@code acquire}
 * with a time-out, then {@code release} on the same thread (it is bound to the acquiring thread).
 */
final class CuratorMutexAdapter implements LockAdapter {

	private static final String BASE_PATH = "/curator-mutex/";

	private final CuratorFramework client;

	CuratorMutexAdapter(Endpoint endpoint) {
		this.client = ZooKeeperClients.connected(endpoint);
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		InterProcessMutex mutex = new InterProcessMutex(this.client, BASE_PATH + key);
		try {
			if (!mutex.acquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("InterProcessMutex " + key + " not acquired within " + WAIT);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("InterProcessMutex " + key + " failed", ex);
		}
		try {
			criticalSection.run();
		}
		finally {
			release(mutex, key);
		}
	}

	private static void release(InterProcessMutex mutex, String key) {
		try {
			mutex.release();
		}
		catch (Exception ex) {
			throw new IllegalStateException("InterProcessMutex " + key + " not released", ex);
		}
	}

	@Override
	public void close() {
		this.client.close();
	}

}
