package io.distlock.benchmarks.adapter;

import java.util.List;
import java.util.function.Function;

import org.apache.curator.framework.CuratorFramework;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.zookeeper.ZooKeeperLockManager;

/**
 * distlock's programmatic path in one of its API {@link Form forms}, with the default options
 * (renewal on, as for a user's programmatic lock); lock kinds as the same request
 * {@link LockRequest#withMode with a mode} and {@link LockRequest#withPermits permits}. On Redis
 * (standalone or cluster) the lock manager is the auto-configured bean of an
 * {@link AspectContext}, what an application gets; on ZooKeeper a {@link ZooKeeperLockManager} on
 * a Curator client of its own.
 */
final class DistlockAdapter implements LockAdapter {

	private final LockManager locks;

	private final Form form;

	private final Runnable close;

	private DistlockAdapter(LockManager locks, Form form, Runnable close) {
		this.locks = locks;
		this.form = form;
		this.close = close;
	}

	static Function<Endpoint, LockAdapter> onRedis(Form form) {
		return (endpoint) -> inContext(AspectContext.onRedis(endpoint), form);
	}

	static Function<ClusterEndpoint, LockAdapter> onCluster(Form form) {
		return (cluster) -> inContext(AspectContext.onCluster(cluster), form);
	}

	private static DistlockAdapter inContext(AspectContext context, Form form) {
		return new DistlockAdapter(context.lockManager(), form, context::close);
	}

	static DistlockAdapter onZooKeeper(Endpoint endpoint) {
		CuratorFramework client = ZooKeeperClients.connected(endpoint);
		ZooKeeperLockManager locks = new ZooKeeperLockManager(client);
		return new DistlockAdapter(locks, Form.ACQUIRE, () -> {
			locks.close();
			client.close();
		});
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		this.form.runLocked(this.locks, key, criticalSection);
	}

	@Override
	public void runLockedAs(String key, LockKind kind, Runnable criticalSection) {
		this.form.runLocked(this.locks, request(key).withMode(kind.mode()).withPermits(kind.permits()),
				criticalSection);
	}

	@Override
	public void runLockedBoth(String first, String second, Runnable criticalSection) {
		this.form.runLockedBoth(this.locks, first, second, criticalSection);
	}

	@Override
	public void close() {
		this.close.run();
	}

	/**
	 * A mutex on {@code key} with the benchmark's lease and wait, what {@code lock(key, ttl, wait)}
	 * asks for.
	 */
	private static LockRequest request(String key) {
		return LockRequest.of(key, LEASE).withWaitTime(WAIT);
	}

	/**
	 * Waits for {@code handle}, runs {@code criticalSection} holding it and releases it;
	 * {@code keys} only names the lock in the failure.
	 */
	private static void awaitThenRun(LockHandle handle, Object keys, Runnable criticalSection) {
		try (handle) {
			LockResult result = handle.await();
			if (!result.acquired()) {
				throw new IllegalStateException("distlock lock " + keys + " not acquired: " + result.status(),
						result.failure());
			}
			criticalSection.run();
		}
	}

	/**
	 * How the caller takes the lock.
	 */
	enum Form {

		/**
		 * {@code lockManager.lock(key, ttl, wait)}, then {@code await()}: the seed's form; two keys
		 * as {@code lockAll(List.of(first, second), ttl, wait)}, a lock kind as
		 * {@code lock(LockRequest)}, each then {@code await()}.
		 */
		AWAIT {

			@Override
			void runLocked(LockManager locks, String key, Runnable criticalSection) {
				awaitThenRun(locks.lock(key, LEASE, WAIT), key, criticalSection);
			}

			@Override
			void runLocked(LockManager locks, LockRequest request, Runnable criticalSection) {
				awaitThenRun(locks.lock(request), request.key(), criticalSection);
			}

			@Override
			void runLockedBoth(LockManager locks, String first, String second, Runnable criticalSection) {
				List<String> keys = List.of(first, second);
				awaitThenRun(locks.lockAll(keys, LEASE, WAIT), keys, criticalSection);
			}

		},

		/** {@code lockManager.acquire(LockRequest)} in try-with-resources. */
		ACQUIRE {

			@Override
			void runLocked(LockManager locks, LockRequest request, Runnable criticalSection) {
				try (LockHandle handle = locks.acquire(request)) {
					criticalSection.run();
				}
			}

		};

		void runLocked(LockManager locks, String key, Runnable criticalSection) {
			runLocked(locks, request(key), criticalSection);
		}

		abstract void runLocked(LockManager locks, LockRequest request, Runnable criticalSection);

		void runLockedBoth(LockManager locks, String first, String second, Runnable criticalSection) {
			throw new UnsupportedOperationException("distlock's " + this + " form has no two-key run");
		}

	}

}
