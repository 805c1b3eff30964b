package io.distlock.zookeeper;

import java.util.ArrayList;
import java.util.List;

import io.distlock.core.HeldLock;
import io.distlock.core.LockMode;
import io.distlock.core.spi.LockBackend.Attempt;

/**
 * Which nodes of one key's queue hold its lock, by the kind each node's name records
 * ({@link LockPaths#kind}) and their order. A shared node holds when no exclusive node is ahead of
 * it; an exclusive node of N permits (N = 1: a mutex) holds when no shared node is ahead of it and
 * fewer nodes are than its own permits and those of every node ahead of it. So a node holds only
 * while every node ahead of it does: the holders are always the head of the queue, and since nodes
 * only ever leave the queue ahead of a node, one that holds goes on holding until it is deleted.
 */
final class LockQueue {

	private LockQueue() {
	}

	/**
	 * How many nodes at the head of a queue hold the lock.
	 * @param queue the nodes' names, in queue order
	 * @return the number of holders; at least 1 unless the queue is empty
	 */
	static int holders(List<String> queue) {
		return holding(queue.stream().map(LockPaths::kind).toList());
	}

	/**
	 * Whether a node of {@code kind} queued now, behind every node of {@code queue}, would hold.
	 * @param queue the nodes' names, in queue order
	 * @param kind the kind of the node to queue
	 * @return {@code true} if it would hold
	 */
	static boolean admits(List<String> queue, Kind kind) {
		List<Kind> kinds = new ArrayList<>(queue.size() + 1);
		queue.forEach((name) -> kinds.add(LockPaths.kind(name)));
		kinds.add(kind);
		return holding(kinds) == kinds.size();
	}

	/**
	 * How many nodes of these kinds, in this order, hold at the head of the queue.
	 */
	private static int holding(List<Kind> kinds) {
		boolean exclusiveAhead = false;
		boolean sharedAhead = false;
		int limit = Integer.MAX_VALUE;
		for (int place = 0; place < kinds.size(); place++) {
			Kind kind = kinds.get(place);
			if (kind.isShared()) {
				if (exclusiveAhead) {
					return place;
				}
				sharedAhead = true;
			}
			else {
				limit = Math.min(limit, kind.permits());
				if (sharedAhead || place >= limit) {
					return place;
				}
				exclusiveAhead = true;
			}
		}
		return kinds.size();
	}

	/**
	 * The kind of lock a node stands for.
	 *
	 * @param mode shared or exclusive
	 * @param permits how many exclusive holders the key may have at once; 1 for shared
	 */
	record Kind(LockMode mode, int permits) {

		/** A mutex: one exclusive holder alone. */
		static final Kind MUTEX = new Kind(LockMode.EXCLUSIVE, 1);

		/** A share. */
		static final Kind SHARED = new Kind(LockMode.SHARED, 1);

		/**
		 * The kind an attempt asks for.
		 * @param attempt the attempt
		 * @return its kind
		 */
		static Kind of(Attempt attempt) {
			return new Kind(attempt.mode(), attempt.permits());
		}

		boolean isShared() {
			return this.mode == LockMode.SHARED;
		}

		/**
		 * How operators see a lock whose first holder is of this kind: {@link HeldLock#SHARED},
		 * {@link HeldLock#PERMITS} or {@link HeldLock#EXCLUSIVE}.
		 */
		String heldMode() {
			if (isShared()) {
				return HeldLock.SHARED;
			}
			return (this.permits > 1) ? HeldLock.PERMITS : HeldLock.EXCLUSIVE;
		}

	}

}
