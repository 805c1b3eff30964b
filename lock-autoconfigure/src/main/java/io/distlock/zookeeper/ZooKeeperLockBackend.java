package io.distlock.zookeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
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
 * Locks as ZooKeeper's queue of ephemeral sequential protected nodes under the key's container
 * node, each node's name recording its kind ({@link LockPaths}): a mutex, a share, or one of N
 * permits. The nodes that hold are the head of the queue ({@link LockQueue}): a mutex node holds
 * when it is first, a share when no exclusive node (mutex or permit) is ahead of it, a permit
 * when no share is ahead of it and fewer nodes are than its permits (and those of every node
 * ahead of it). The lock lives with the session: renewal checks that the node still exists in
 * this session, and connection changes are reported as they happen.
 * <p>
 * A process contends for a key's mutex with one node, which a busy attempt leaves queued,
 * watching the node in front of it, until a request of the process is granted with it or the
 * machinery {@link #abandon abandons} the key. A waiting mutex node holds off every share and
 * permit queued after it, so a stream of shares cannot starve a mutex: this is the waiting
 * mutex's record, and it lasts until the machinery withdraws it at the wait's end or the session
 * ends. Shares and permits, which the machinery attempts request by request and never abandons,
 * each get a node of their own, created only when the queue read just before admits it, and
 * deleted again by the attempt if it does not hold once queued: a busy share or permit leaves no
 * node behind, and watches the children of the key's container instead, which change when a
 * holder leaves. So waiting permits keep no place in line and hold off no share.
 * <p>
 * A node's creation zxid, which increases globally, is its fencing token. A node holds only while
 * every node ahead of it does, so at any moment the holders are the oldest nodes of the queue: an
 * acquisition's token, an exclusive one in particular, exceeds the token of every acquisition of
 * the key that completed before it began, of whatever kind (a waiting mutex node older than such
 * an acquisition holds off everything queued after it). Released locks are never handed off
 * locally, since a node's creation zxid cannot be given to a second owner.
 * <p>
 * Each node records its owner, process, lock name and ttl ({@link LockNodeData}) for operators. A
 * forced release deletes every node that holds the key in one transaction, which wakes the
 * waiting processes as a release does; each evicted holder learns of it when it next looks for
 * its node, whose renewal then answers {@link RenewalOutcome#EVICTED}: only a deletion by someone
 * else makes the node of a live session vanish, so no record is kept.
 */
final class ZooKeeperLockBackend implements LockBackend {

	private final CuratorFramework client;

	private final LockPaths paths;

	private final String holder;

	private final ZooKeeperLockInventory inventory;

	private final ConcurrentHashMap<Contender.Slot, Contender> contenders = new ConcurrentHashMap<>();

	/** What to run on a release of each key: one entry per open watch. */
	private final ConcurrentHashMap<String, List<Runnable>> watchers = new ConcurrentHashMap<>();

	/** The one ZooKeeper watcher of every node and queue watched, so each registers once. */
	private final Watcher releaseWatcher = this::changed;

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

	/**
	 * Yes: shares and permits, each with a node of its own.
	 */
	@Override
	public boolean supportsLockKinds() {
		return true;
	}

	@Override
	public AcquireOutcome tryAcquire(Attempt attempt, Duration waitRemaining) {
		try {
			requireConnected();
			LockNodeData data = new LockNodeData(attempt.ttl(), attempt.owner(), this.holder, attempt.name());
			return attempt.isMutex() ? tryMutex(attempt.key(), attempt.owner(), data)
					: tryShareOrPermit(attempt, data);
		}
		catch (Exception ex) {
			throw failure("acquire", attempt.key(), ex);
		}
	}

	/**
	 * One attempt at a mutex with the process's node for the key, which stays queued when busy.
	 */
	private AcquireOutcome tryMutex(String key, String owner, LockNodeData data) throws Exception {
		Contender contender = contenderFor(key, owner, data);
		if (owner.equals(contender.holder())) {
			return AcquireOutcome.acquired(contender.czxid);
		}
		String container = this.paths.parent(key);
		for (;;) {
			List<String> queue = queue(container, false);
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
				String predecessor = container + "/" + queue.get(place - 1);
				if (this.client.checkExists().usingWatcher(this.releaseWatcher).forPath(predecessor) != null) {
					return AcquireOutcome.busy(Duration.ZERO);
				}
			}
		}
	}

	/**
	 * One attempt at a share or a permit: granted again to the owner whose node still holds; else a
	 * node is queued if the queue, read with a watch, admits one of its kind, and granted if it
	 * holds once queued. A busy attempt leaves no node.
	 */
	private AcquireOutcome tryShareOrPermit(Attempt attempt, LockNodeData data) throws Exception {
		String owner = attempt.owner();
		Contender.Slot slot = new Contender.Slot(attempt.key(), owner);
		Contender previous = this.contenders.get(slot);
		if (previous != null) {
			if (owner.equals(previous.holder()) && exists(previous)) {
				return AcquireOutcome.acquired(previous.czxid);
			}
			// Left by an attempt whose outcome is unknown, or deleted by an operator.
			if (previous.retireFor(owner)) {
				delete(previous);
			}
		}
		String container = this.paths.parent(attempt.key());
		LockQueue.Kind kind = LockQueue.Kind.of(attempt);
		if (!LockQueue.admits(queue(container, true), kind)) {
			return AcquireOutcome.busy(Duration.ZERO);
		}
		Contender contender = create(slot, kind, owner, data);
		List<String> queue = queue(container, false);
		int place = queue.indexOf(contender.name());
		if (place >= 0 && place < LockQueue.holders(queue) && contender.claim(owner)) {
			return AcquireOutcome.acquired(contender.czxid);
		}
		// A node came first since the queue was read; the watch that read set wakes this key's waiters.
		if (contender.retireWaiting()) {
			delete(contender);
		}
		return AcquireOutcome.busy(Duration.ZERO);
	}

	/**
	 * The names of a key's nodes in queue order, empty when its container is gone.
	 * @param watched whether changes of the queue wake the key's waiters
	 */
	private List<String> queue(String container, boolean watched) throws Exception {
		try {
			List<String> children = watched
					? this.client.getChildren().usingWatcher(this.releaseWatcher).forPath(container)
					: this.client.getChildren().forPath(container);
			return LockPaths.inQueueOrder(children);
		}
		catch (KeeperException.NoNodeException ex) {
			return List.of();
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
		Contender contender = this.contenders.get(Contender.Slot.mutex(key));
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
		return create(Contender.Slot.mutex(key), LockQueue.Kind.MUTEX, owner, data);
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
		return create(stale.slot, LockQueue.Kind.MUTEX, owner, data);
	}

	private Contender create(Contender.Slot slot, LockQueue.Kind kind, String owner, LockNodeData data)
			throws Exception {
		Stat stat = new Stat();
		String path = this.client.create()
			.storingStatIn(stat)
			.creatingParentContainersIfNeeded()
			.withProtection()
			.withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
			.forPath(this.paths.node(slot.key(), kind), data.encode());
		if (stat.getCzxid() == 0) {
			// Protected mode found the node after a lost reply, without its stat.
			stat = statOfCreated(path);
		}
		Contender contender = new Contender(slot, path, stat.getCzxid(), stat.getEphemeralOwner(), data);
		contender.attemptedBy(owner);
		this.contenders.put(slot, contender);
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
		Contender contender = contenderOf(key, owner);
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
		this.contenders.remove(contender.slot, contender);
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

	/**
	 * Deletes the key's waiting mutex node, if any: shares and permits leave none waiting.
	 */
	@Override
	public void abandon(String key) {
		Contender contender = this.contenders.get(Contender.Slot.mutex(key));
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
		Contender contender = contenderOf(key, owner);
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
	 * The node of {@code owner}'s share or permit at {@code key}, else the process's mutex node for
	 * the key, which may be {@code owner}'s.
	 */
	private @Nullable Contender contenderOf(String key, String owner) {
		Contender own = this.contenders.get(new Contender.Slot(key, owner));
		return (own != null) ? own : this.contenders.get(Contender.Slot.mutex(key));
	}

	/**
	 * Deletes every node that holds the key (a mutex's node, or every share or permit node that
	 * holds), whichever processes they belong to, in one transaction, if each is still the node
	 * read (same data version); else reads them again. The owner named is the latest holder's; each
	 * evicted owner's renewal answers {@link RenewalOutcome#EVICTED}.
	 */
	@Override
	public @Nullable ForcedRelease forceRelease(String key) {
		try {
			requireConnected();
			for (;;) {
				ZooKeeperLockInventory.Holding holding = this.inventory.holding(LockPaths.element(key));
				if (holding == null) {
					return null;
				}
				List<CuratorOp> deletes = new ArrayList<>(holding.nodes().size());
				for (ZooKeeperLockInventory.Node node : holding.nodes()) {
					deletes.add(this.client.transactionOp().delete().withVersion(node.version()).forPath(node.path()));
				}
				try {
					this.client.transaction().forOperations(deletes);
					// A node of an earlier version names no owner, and no owner of this process is empty.
					String owner = holding.owner();
					return new ForcedRelease(holding.lock(), (owner != null) ? owner : "");
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
		this.watchers.merge(key, List.of(onRelease),
				(current, added) -> Stream.concat(current.stream(), added.stream()).toList());
		return new ReleaseWatch() {

			@Override
			public CompletableFuture<Void> ready() {
				// Each busy attempt already watches the node in front before it answers.
				return CompletableFuture.completedFuture(null);
			}

			@Override
			public void close() {
				ZooKeeperLockBackend.this.watchers.computeIfPresent(key, (watched, current) -> {
					List<Runnable> rest = new ArrayList<>(current);
					rest.remove(onRelease);
					return rest.isEmpty() ? null : List.copyOf(rest);
				});
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
	 * The number of nodes this process keeps; zero once every lock is released.
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
				this.watchers.keySet().forEach(this::wake);
			}
			case RECONNECTED, CONNECTED -> {
				loseAll(observer, this::inOtherSession, "it was reconnected in a new ZooKeeper session");
				observer.resumed();
				this.watchers.keySet().forEach(this::wake);
			}
		}
	}

	private void loseAll(BackendEvents observer, Predicate<Contender> affected, String reason) {
		for (Contender contender : List.copyOf(this.contenders.values())) {
			if (affected.test(contender)) {
				this.contenders.remove(contender.slot, contender);
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

	/**
	 * Wakes the waiters of the key whose watched node or queue changed. Events without a path
	 * (connection changes) wake no one here: {@link #connectionChanged} wakes every waiter.
	 */
	private void changed(WatchedEvent event) {
		String key = (event.getPath() != null) ? this.paths.keyOf(event.getPath()) : null;
		if (key != null) {
			wake(key);
		}
	}

	private void wake(String key) {
		this.watchers.getOrDefault(key, List.of()).forEach(Runnable::run);
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
