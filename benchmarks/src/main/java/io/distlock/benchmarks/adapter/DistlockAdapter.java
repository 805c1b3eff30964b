package io.distlock.benchmarks.adapter;

import java.util.function.Function;

import org.apache.curator.framework.CuratorFramework;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.zookeeper.ZooKeeperLockManager;

/**
 * distlock's programmatic path in one of its API {@link Form forms}, with the default options
 * (renewal on, as for a user's programmatic lock). On Redis (standalone or cluster) the lock
 * manager is the auto-configured bean of an {@link AspectContext}, what an application gets; on
 * ZooKeeper a {@link ZooKeeperLockManager} on a Curator client of its own.
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
	public void close() {
		this.close.run();
	}

	/**
	 * How the caller takes the lock.
	 */
	enum Form {

		/** {@code lockManager.lock(key, ttl, wait)}, then {@code await()}: the seed's form. */
		AWAIT {

			@Override
			void runLocked(LockManager locks, String key, Runnable criticalSection) {
				try (LockHandle handle = locks.lock(key, LEASE, WAIT)) {
					LockResult result = handle.await();
					if (!result.acquired()) {
						throw new IllegalStateException("distlock lock '" + key + "' not acquired: " + result.status(),
								result.failure());
					}
					criticalSection.run();
				}
			}

		},

		/** {@code lockManager.acquire(LockRequest)} in try-with-resources. */
		ACQUIRE {

			@Override
			void runLocked(LockManager locks, String key, Runnable criticalSection) {
				try (LockHandle handle = locks.acquire(LockRequest.of(key, LEASE).withWaitTime(WAIT))) {
					criticalSection.run();
				}
			}

		};

		abstract void runLocked(LockManager locks, String key, Runnable criticalSection);

	}

}
