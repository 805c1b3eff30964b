package io.distlock.core.spi;

/**
 * What a backend reports about held locks between calls, when its connection changes: a backend
 * whose locks live with a session (ZooKeeper) knows of a loss before any renewal would find it.
 * Methods run on the backend's threads and must not block.
 *
 * @since 1.0.0
 */
public interface BackendEvents {

	/**
	 * The connection is interrupted: held locks may be lost without this process hearing of it,
	 * so none is safely held until {@link #resumed()}.
	 */
	void suspended();

	/**
	 * The connection is back with every lock still held that was held when it was
	 * {@link #suspended()}, except those reported {@link #lost lost} meanwhile.
	 */
	void resumed();

	/**
	 * The lock {@code owner} held on {@code key} is gone.
	 * @param key the lock key
	 * @param owner the owner token of the lost holder
	 * @param reason why, for the log
	 */
	void lost(String key, String owner, String reason);

}
