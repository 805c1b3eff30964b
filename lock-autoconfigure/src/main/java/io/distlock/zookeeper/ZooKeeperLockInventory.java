package io.distlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

import io.distlock.core.HeldLock;
import io.distlock.core.HeldLocksPage;

/**
 * Reads the locks held under the base path, for operators. A key's lock is held by the nodes at
 * the head of its queue that hold by the queue's rule ({@link LockQueue}): the first node of a
 * mutex, every share or permit that holds, each held or about to be claimed by its process; its
 * waiters are the nodes behind them. A page
 * reads the base path's children (ZooKeeper cannot list them in parts), then the queue and head
 * of each key in order of container name after the cursor, until it has {@code limit} locks. A
 * cursor is the last container name read, Base64url-encoded; keys that come and go while paging
 * may be seen or not, the others are seen exactly once.
 */
final class ZooKeeperLockInventory {

	private final CuratorFramework client;

	private final LockPaths paths;

	ZooKeeperLockInventory(CuratorFramework client, LockPaths paths) {
		this.client = client;
		this.paths = paths;
	}

	/**
	 * The container name a cursor goes on after.
	 * @throws IllegalArgumentException if no page gave out the cursor
	 */
	static @Nullable String after(@Nullable String cursor) {
		if (cursor == null) {
			return null;
		}
		try {
			String element = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
			if (!element.isEmpty() && LockPaths.element(LockPaths.key(element)).equals(element)) {
				return element;
			}
		}
		catch (IllegalArgumentException ex) {
			// Not Base64, or no key's encoding: refused below.
		}
		throw new IllegalArgumentException("Cursor '" + cursor + "' is not one a page of ZooKeeper locks gave out");
	}

	HeldLocksPage page(@Nullable String after, int limit) throws Exception {
		List<String> elements;
		try {
			elements = this.client.getChildren().forPath(this.paths.basePath());
		}
		catch (KeeperException.NoNodeException ex) {
			return new HeldLocksPage(List.of(), null);
		}
		List<String> ahead = elements.stream()
			.filter((element) -> after == null || element.compareTo(after) > 0)
			.sorted()
			.toList();
		List<HeldLock> locks = new ArrayList<>();
		for (int i = 0; i < ahead.size(); i++) {
			Holding holding = holding(ahead.get(i));
			if (holding != null) {
				locks.add(holding.lock());
			}
			if (locks.size() >= limit && i < ahead.size() - 1) {
				return new HeldLocksPage(locks, Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString(ahead.get(i).getBytes(StandardCharsets.UTF_8)));
			}
		}
		return new HeldLocksPage(locks, null);
	}

	/**
	 * The nodes that hold a key's lock now.
	 * @param element the key's container name
	 * @return them, or {@code null} when no node contends for the key
	 */
	@Nullable Holding holding(String element) throws Exception {
		String container = this.paths.container(element);
		for (;;) {
			List<String> queue;
			try {
				queue = LockPaths.inQueueOrder(this.client.getChildren().forPath(container));
			}
			catch (KeeperException.NoNodeException ex) {
				return null;
			}
			if (queue.isEmpty()) {
				return null;
			}
			try {
				return holding(LockPaths.key(element), container, queue);
			}
			catch (KeeperException.NoNodeException ex) {
				// Released since the queue was read: read it again.
			}
		}
	}

	private Holding holding(String key, String container, List<String> queue) throws Exception {
		int holders = LockQueue.holders(queue);
		List<Node> nodes = new ArrayList<>(holders);
		for (String name : queue.subList(0, holders)) {
			String path = container + "/" + name;
			Stat stat = new Stat();
			LockNodeData data = LockNodeData.decode(this.client.getData().storingStatIn(stat).forPath(path));
			nodes.add(new Node(path, stat.getVersion(), stat.getCzxid(), data));
		}
		return new Holding(nodes, lock(key, LockPaths.kind(queue.get(0)), nodes, queue.size() - holders));
	}

	/**
	 * The lock its holders stand for, as the latest of them records it, with the latest token; its
	 * remaining ttl is the longest its holders asked for, since a ZooKeeper lock does not expire
	 * but lives with its holder's session.
	 */
	private static HeldLock lock(String key, LockQueue.Kind kind, List<Node> nodes, int waiters) {
		Node latest = nodes.get(nodes.size() - 1);
		Duration ttl = nodes.stream()
			.map(Node::data)
			.filter(Objects::nonNull)
			.map(LockNodeData::ttl)
			.max(Comparator.naturalOrder())
			.orElse(Duration.ZERO);
		LockNodeData data = latest.data();
		return new HeldLock(key, (data != null) ? data.name() : null, (data != null) ? data.holder() : null,
				latest.czxid(), ttl, kind.heldMode(), waiters, nodes.size());
	}

	/**
	 * The nodes that hold a key's lock, in queue order, and the lock they stand for.
	 *
	 * @param nodes the holding nodes, at least one; the last is the latest
	 * @param lock the lock they stand for
	 */
	record Holding(List<Node> nodes, HeldLock lock) {

		/**
		 * The owner token the latest holding node records.
		 * @return the token, or {@code null} when it records none
		 */
		@Nullable String owner() {
			LockNodeData data = this.nodes.get(this.nodes.size() - 1).data();
			return (data != null) ? data.owner() : null;
		}

	}

	/**
	 * One node that holds a key's lock, as read.
	 *
	 * @param path the node's path
	 * @param version the version of its data when read
	 * @param czxid the zxid that created it: its holder's fencing token
	 * @param data what it records, {@code null} when it records nothing readable
	 */
	record Node(String path, int version, long czxid, @Nullable LockNodeData data) {
	}

}
