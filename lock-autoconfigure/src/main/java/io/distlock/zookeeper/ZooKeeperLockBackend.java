package io.distlock.zookeeper;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

import io.distlock.core.HeldLocksPage;
import io.distlock.core.LockException;
import io.distlock.core.LockRequest;
import io.distlock.core.spi.AcquireOutcome;
import io.distlock.core.spi.BackendEvents;
import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.ReleaseOutcome;
import io.distlock.core.spi.ReleaseWatch;
import io.distlock.core.spi.RenewalOutcome;

/**
 * Locks as ZooKeeper's queue of ephemeral sequential nodes: each process contends with one
 * protected node per key under the key's container node, holds the lock when its node is first,
 * and watches only the node in front of it. The lock lives with the session: renewal checks that
 * the node still exists in this session, and connection changes are reported as they happen.
 * Released locks are never handed off locally, since a node's creation zxid, the fencing token,
 * cannot be given to a second owner.
 * <p>
 * Each node records its owner, process, lock name and ttl ({@link LockNodeData}) for operators. A
 * forced release deletes the head node of the key's queue, which wakes the next node's process as
 * a release does; the evicted process learns of it when it next looks for its node: only a
 * deletion by someone else makes the node of a live session vanish, so no record is kept.
 */
final class ZooKeeperLockBackend implements LockBackend {

	private final CuratorFramework client;

	private final LockPaths paths;

	private final String holder;

	private final ZooKeeperLockInventory inventory;

	private final ConcurrentHashMap<String, Contender> contenders = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Runnable> watchers = new ConcurrentHashMap<>();

	private final ConnectionStateListener connectionListener = (client, state) -> connectionChanged(state);

	private volatile @Nullable BackendEvents events;

	ZooKeeperLockBackend(CuratorFramework client, ZooKeeperLockOptions options) {
		this.client = Objects.requireNonNull(client, "'client' must not be null");
		this.paths = new LockPaths(options.basePath());
		this.holder = options.holder();
		this.inventory = new ZooKeeperLockInventory(client, this.paths);
	}

	/**
	 * No: a node lives as long as its session, whatever the ttl.
	 */
	@Override
	public boolean expiresLocks() {
		return false;
	}

	@Override
	public void observe(BackendEvents events) {
		this.events = events;
		this.client.getConnectionStateListenable().addListener(this.connectionListener);
	}

	@Override
	public AcquireOutcome tryAcquire(String key, String owner, Duration ttl, Duration waitRemaining) {
		return tryAcquire(new Attempt(key, owner, ttl, LockRequest.UNNAMED), waitRemaining);
	}

	@Override
	public AcquireOutcome tryAcquire(Attempt attempt, Duration waitRemaining) {
		String key = attempt.key();
		String owner = attempt.owner();
		try {
			requireConnected();
			LockNodeData data = new LockNodeData(attempt.ttl(), owner, this.holder, attempt.name());
			Contender contender = contenderFor(key, owner, data);
			if (owner.equals(contender.holder())) {
				return AcquireOutcome.acquired(contender.czxid);
			}
			for (;;) {
				List<String> queue = LockPaths.inQueueOrder(this.client.getChildren().forPath(this.paths.parent(key)));
				int place = queue.indexOf(contender.name());
				if (place < 0 || contender.isRetired() || contender.sessionId != sessionId()) {
					// The node ended with its session or was given up meanwhile: queue again.
					contender = replace(contender, owner, data);
				}
				else if (place == 0) {
					if (contender.claim(owner)) {
						return AcquireOutcome.acquired(contender.czxid);
					}
				}
				else {
					String predecessor = this.paths.parent(key) + "/" + queue.get(place - 1);
					if (this.client.checkExists().usingWatcher(contender.predecessorWatcher).forPath(predecessor) != null) {
						return AcquireOutcome.busy(Duration.ZERO);
					}
				}
			}
		}
		catch (Exception ex) {
			throw failure("acquire", key, ex);
		}
	}

	/**
	 * This process's node for {@code key} that {@code owner} may contend with: the waiting node of
	 * an earlier local request keeps its place (recording the new request), the node {@code owner}
	 * claims stays while it exists, and a node some other owner still claims is given up (the
	 * machinery moved past that owner, whose lease it counts as lost), as is one an operator
	 * deleted.
	 */
	private Contender contenderFor(String key, String owner, LockNodeData data) throws Exception {
		Contender contender = this.contenders.get(key);
		if (contender != null) {
			String holder = contender.holder();
			if (contender.isWaiting()) {
				contender.attemptedBy(owner);
				record(contender, data);
				return contender;
			}
			if (owner.equals(holder) && exists(contender)) {
				return contender;
			}
			if (holder != null && contender.retireFor(holder)) {
				delete(contender);
			}
		}
		return create(key, owner, data);
	}

	private boolean exists(Contender contender) throws Exception {
		return this.client.checkExists().forPath(contender.path) != null;
	}

	/**
	 * Records another request in a waiting node it takes over, when it differs from the one recorded.
	 */
	private void record(Contender contender, LockNodeData data) throws Exception {
		if (data.equals(contender.recorded())) {
			return;
		}
		try {
			this.client.setData().forPath(contender.path, data.encode());
			contender.recorded(data);
		}
		catch (KeeperException.NoNodeException ex) {
			// Deleted by an operator: the attempt finds it gone and queues again.
		}
	}

	private Contender replace(Contender stale, String owner, LockNodeData data) throws Exception {
		if (stale.retireWaiting()) {
			delete(stale);
		}
		return create(stale.key, owner, data);
	}

	private Contender create(String key, String owner, LockNodeData data) throws Exception {
		Stat stat = new Stat();
		String path = this.client.create()
			.storingStatIn(stat)
			.creatingParentContainersIfNeeded()
			.withProtection()
			.withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
			.forPath(this.paths.node(key), data.encode());
		if (stat.getCzxid() == 0) {
			// Protected mode found the node after a lost reply, without its stat.
			stat = statOfCreated(path);
		}
		Contender contender = new Contender(key, path, stat.getCzxid(), stat.getEphemeralOwner(),
				(event) -> wake(key), data);
		contender.attemptedBy(owner);
		this.contenders.put(key, contender);
		return contender;
	}

	/**
	 * The stat of a node this process just created. If it cannot be read, the node is deleted
	 * (guaranteed: Curator goes on deleting it in the background) before the failure is thrown, so
	 * an unregistered node never blocks the key for the rest of the session.
	 */
	private Stat statOfCreated(String path) throws Exception {
		try {
			Stat stat = this.client.checkExists().forPath(path);
			if (stat == null) {
				throw new LockException("The node " + path + " vanished right after it was created");
			}
			return stat;
		}
		catch (Exception ex) {
			try {
				this.client.delete().guaranteed().forPath(path);
			}
			catch (Exception deleteFailure) {
				ex.addSuppressed(deleteFailure);
			}
			throw ex;
		}
	}

	@Override
	public ReleaseOutcome release(String key, String owner, long fencingToken, @Nullable HandOff next) {
		Contender contender = this.contenders.get(key);
		if (contender == null) {
			return ReleaseOutcome.NOT_OWNER;
		}
		boolean held = owner.equals(contender.holder());
		if (!contender.retireFor(owner)) {
			return ReleaseOutcome.NOT_OWNER;
		}
		try {
			return (delete(contender) || !held) ? ReleaseOutcome.RELEASED : ReleaseOutcome.NOT_OWNER;
		}
		catch (Exception ex) {
			throw failure("release", key, ex);
		}
	}

	/**
	 * Deletes a retired node; if ZooKeeper cannot be reached, Curator keeps deleting it in the
	 * background until it can (or the session ends, which deletes it too).
	 * @return {@code false} if the node was already gone
	 */
	private boolean delete(Contender contender) throws Exception {
		this.contenders.remove(contender.key, contender);
		try {
			this.client.delete().guaranteed().forPath(contender.path);
			return true;
		}
		catch (KeeperException.NoNodeException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			// The caller was interrupted mid-call (it may unlock on an interrupted thread): the node
			// is deleted in the background instead, and the flag stays set.
			Thread.currentThread().interrupt();
			this.client.delete().guaranteed().inBackground().forPath(contender.path);
			return true;
		}
	}

	@Override
	public void abandon(String key) {
		Contender contender = this.contenders.get(key);
		if (contender != null && contender.retireWaiting()) {
			try {
				delete(contender);
			}
			catch (Exception ex) {
				throw failure("withdraw the wait for", key, ex);
			}
		}
	}

	@Override
	public boolean renew(String key, String owner, Duration ttl) {
		return renewal(key, owner) == RenewalOutcome.RENEWED;
	}

	/**
	 * Checks each lock's node, one by one: a renewal only reads, so a failure renewed nothing.
	 */
	@Override
	public List<RenewalOutcome> renewAll(List<Renewal> renewals) {
		return renewals.stream().map((renewal) -> renewal(renewal.key(), renewal.owner())).toList();
	}

	/**
	 * Whether {@code owner} still holds its node: evicted when the node is gone while its session
	 * lives, since only a deletion by someone else, an operator, ends it then.
	 */
	private RenewalOutcome renewal(String key, String owner) {
		Contender contender = this.contenders.get(key);
		if (contender == null || !owner.equals(contender.holder())) {
			return RenewalOutcome.REFUSED;
		}
		try {
			requireConnected();
			Stat stat = this.client.checkExists().forPath(contender.path);
			boolean sameSession = contender.sessionId == sessionId();
			if (stat == null) {
				return sameSession ? RenewalOutcome.EVICTED : RenewalOutcome.REFUSED;
			}
			return (sameSession && stat.getEphemeralOwner() == contender.sessionId) ? RenewalOutcome.RENEWED
					: RenewalOutcome.REFUSED;
		}
		catch (Exception ex) {
			throw failure("renew", key, ex);
		}
	}

	/**
	 * Deletes the head node of the key's queue, whichever process it belongs to, if it is still the
	 * node read (same data version); else reads the head again.
	 */
	@Override
	public @Nullable ForcedRelease forceRelease(String key) {
		try {
			requireConnected();
			for (;;) {
				ZooKeeperLockInventory.Head head = this.inventory.head(LockPaths.element(key));
				if (head == null) {
					return null;
				}
				try {
					this.client.delete().withVersion(head.version()).forPath(head.path());
					// A node of an earlier version names no owner, and no owner of this process is empty.
					return new ForcedRelease(head.lock(), (head.owner() != null) ? head.owner() : "");
				}
				catch (KeeperException.NoNodeException | KeeperException.BadVersionException ex) {
					// Released, or taken over by another request of its process, since it was read.
				}
			}
		}
		catch (Exception ex) {
			throw failure("release by force", key, ex);
		}
	}

	@Override
	public HeldLocksPage heldLocks(@Nullable String cursor, int limit) {
		String after = ZooKeeperLockInventory.after(cursor);
		try {
			requireConnected();
			return this.inventory.page(after, limit);
		}
		catch (Exception ex) {
			throw failure("list the locks under " + this.paths.basePath(), ex);
		}
	}

	@Override
	public ReleaseWatch watch(String key, Runnable onRelease) {
		this.watchers.put(key, onRelease);
		return new ReleaseWatch() {

			@Override
			public CompletableFuture<Void> ready() {
				// Each busy attempt already watches the node in front before it answers.
				return CompletableFuture.completedFuture(null);
			}

			@Override
			public void close() {
				ZooKeeperLockBackend.this.watchers.remove(key, onRelease);
			}

		};
	}

	@Override
	public void check() {
		try {
			requireConnected();
			this.client.checkExists().forPath(this.paths.basePath());
		}
		catch (Exception ex) {
			throw failure("check", this.paths.basePath(), ex);
		}
	}

	@Override
	public void close() {
		this.client.getConnectionStateListenable().removeListener(this.connectionListener);
	}

	/**
	 * The number of keys this process has a node for; zero once every lock is released.
	 */
	int contendedKeys() {
		return this.contenders.size();
	}

	/**
	 * Applies a connection change: held locks are not safely held while suspended, lost with the
	 * session, and held again on reconnecting within the session, whose ephemeral nodes the
	 * ensemble kept. Waiters try again, since a change may have cost them a notification.
	 */
	private void connectionChanged(ConnectionState state) {
		BackendEvents observer = Objects.requireNonNull(this.events, "observe() was not called");
		switch (state) {
			case SUSPENDED, READ_ONLY -> observer.suspended();
			case LOST -> {
				loseAll(observer, (contender) -> true, "its ZooKeeper session expired");
				this.watchers.values().forEach(Runnable::run);
			}
			case RECONNECTED, CONNECTED -> {
				loseAll(observer, this::inOtherSession, "it was reconnected in a new ZooKeeper session");
				observer.resumed();
				this.watchers.values().forEach(Runnable::run);
			}
		}
	}

	private void loseAll(BackendEvents observer, Predicate<Contender> affected, String reason) {
		for (Contender contender : List.copyOf(this.contenders.values())) {
			if (affected.test(contender)) {
				this.contenders.remove(contender.key, contender);
				String holder = contender.retire();
				if (holder != null) {
					observer.lost(contender.key, holder, reason);
				}
			}
		}
	}

	private boolean inOtherSession(Contender contender) {
		try {
			return contender.sessionId != sessionId();
		}
		catch (Exception ex) {
			return true;
		}
	}

	/**
	 * Fails at once while disconnected, where Curator would block for its connection timeout: the
	 * machinery retries with back-off and ends the wait as failed, with this cause, at its bound.
	 */
	private void requireConnected() {
		if (!this.client.getZookeeperClient().isConnected()) {
			throw new LockException(
					"Not connected to ZooKeeper at " + this.client.getZookeeperClient().getCurrentConnectionString());
		}
	}

	private long sessionId() throws Exception {
		return this.client.getZookeeperClient().getZooKeeper().getSessionId();
	}

	private void wake(String key) {
		Runnable watcher = this.watchers.get(key);
		if (watcher != null) {
			watcher.run();
		}
	}

	private static LockException failure(String operation, String key, Exception ex) {
		return failure(operation + " lock '" + key + "'", ex);
	}

	private static LockException failure(String action, Exception ex) {
		if (ex instanceof LockException lockException) {
			return lockException;
		}
		if (ex instanceof InterruptedException) {
			Thread.currentThread().interrupt();
		}
		return new LockException("Could not " + action + " in ZooKeeper: " + ex, ex);
	}

}
