package io.distlock.zookeeper;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * This process's node in one key's queue. A mutex node, while waiting, belongs to the process, so
 * the next local request takes over its place; a share or permit node belongs to the one request
 * that queued it. Once it holds it is claimed by one owner, whose fencing token is the node's
 * creation zxid. Its state moves once from waiting to claimed and once to retired, by
 * compare-and-set, so a release never deletes a node another owner just claimed.
 */
final class Contender {

	private static final Object RETIRED = new Object();

	/** Where the process keeps this node. */
	final Slot slot;

	final String key;

	final String path;

	/** The zxid that created the node: globally increasing, so a fencing token. */
	final long czxid;

	/** The session that owns the ephemeral node. */
	final long sessionId;

	/** Waiting ({@code null}), the claiming owner's token, or {@link #RETIRED}. */
	private final AtomicReference<@Nullable Object> state = new AtomicReference<>();

	private volatile @Nullable String lastAttempt;

	/** What the node's data records now. */
	private volatile LockNodeData recorded;

	Contender(Slot slot, String path, long czxid, long sessionId, LockNodeData recorded) {
		this.slot = slot;
		this.key = slot.key();
		this.path = path;
		this.czxid = czxid;
		this.sessionId = sessionId;
		this.recorded = recorded;
	}

	String name() {
		return LockPaths.name(this.path);
	}

	void attemptedBy(String owner) {
		this.lastAttempt = owner;
	}

	LockNodeData recorded() {
		return this.recorded;
	}

	void recorded(LockNodeData data) {
		this.recorded = data;
	}

	boolean isWaiting() {
		return this.state.get() == null;
	}

	boolean isRetired() {
		return this.state.get() == RETIRED;
	}

	/**
	 * The owner that claimed this node, or {@code null} while waiting or once retired.
	 */
	@Nullable String holder() {
		Object current = this.state.get();
		return (current instanceof String owner) ? owner : null;
	}

	boolean claim(String owner) {
		return this.state.compareAndSet(null, owner);
	}

	/**
	 * Retires the node for {@code owner}: the node it holds, or the waiting node of its last
	 * attempt (an attempt whose outcome it does not know).
	 * @return whether this call retired it, so the caller deletes it
	 */
	boolean retireFor(String owner) {
		Object current = this.state.get();
		if (owner.equals(current)) {
			return this.state.compareAndSet(current, RETIRED);
		}
		return current == null && owner.equals(this.lastAttempt) && this.state.compareAndSet(null, RETIRED);
	}

	/**
	 * Retires the node whatever its state.
	 * @return the owner that held it, or {@code null}
	 */
	@Nullable String retire() {
		Object previous = this.state.getAndSet(RETIRED);
		return (previous instanceof String owner) ? owner : null;
	}

	/**
	 * Retires the node if it is waiting.
	 * @return whether this call retired it
	 */
	boolean retireWaiting() {
		return this.state.compareAndSet(null, RETIRED);
	}

	/**
	 * Where a process keeps its node for a key: one per key for mutexes, which the key's local
	 * requests take over in turn, and one per key and owner for shares and permits, whose requests
	 * the machinery attempts one by one.
	 *
	 * @param key the lock key
	 * @param owner the owner of a share or permit node, {@code null} for the key's mutex node
	 */
	record Slot(String key, @Nullable String owner) {

		static Slot mutex(String key) {
			return new Slot(key, null);
		}

	}

}
