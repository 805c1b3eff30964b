package io.distlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

import io.distlock.core.HeldLock;
import io.distlock.core.HeldLocksPage;

/**
 * Reads the locks held under the base path, for operators. A key's lock is the first node of its
 * queue, held or about to be claimed by its process; its waiters are the nodes behind it. A page
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
			Head head = head(ahead.get(i));
			if (head != null) {
				locks.add(head.lock());
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
	 * The first node of a key's queue as it is now.
	 * @param element the key's container name
	 * @return the node, or {@code null} when no node contends for the key
	 */
	@Nullable Head head(String element) throws Exception {
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
			String path = container + "/" + queue.get(0);
			Stat stat = new Stat();
			try {
				LockNodeData data = LockNodeData.decode(this.client.getData().storingStatIn(stat).forPath(path));
				return new Head(path, stat.getVersion(), (data != null) ? data.owner() : null,
						lock(LockPaths.key(element), data, stat.getCzxid(), queue.size() - 1));
			}
			catch (KeeperException.NoNodeException ex) {
				// Released since the queue was read: read it again.
			}
		}
	}

	/**
	 * The lock a head node stands for; its remaining ttl is the one its request asked for, since a
	 * ZooKeeper lock does not expire but lives with its holder's session.
	 */
	private static HeldLock lock(String key, @Nullable LockNodeData data, long czxid, int waiters) {
		if (data == null) {
			return new HeldLock(key, null, null, czxid, Duration.ZERO, HeldLock.EXCLUSIVE, waiters);
		}
		return new HeldLock(key, data.name(), data.holder(), czxid, data.ttl(), HeldLock.EXCLUSIVE, waiters);
	}

	/**
	 * The first node of a key's queue.
	 *
	 * @param path the node's path
	 * @param version the version of its data when read
	 * @param owner the owner token it records, {@code null} when it records none
	 * @param lock the lock it stands for
	 */
	record Head(String path, int version, @Nullable String owner, HeldLock lock) {
	}

}
