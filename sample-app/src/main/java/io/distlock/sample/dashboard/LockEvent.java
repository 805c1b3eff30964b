package io.distlock.sample.dashboard;

import java.util.Objects;

/**
 * A lock acquired, released or lost by one instance, as kept in the shared Redis list.
 *
 * @param at when it happened, in epoch milliseconds of the recording instance's clock
 * @param instance the instance that held the lock
 * @param type what happened
 * @param token the fencing token of the acquisition
 * @param name the lock's name
 * @param key the lock's key
 * @since 1.0.0
 */
public record LockEvent(long at, String instance, Type type, long token, String name, String key) {

	private static final String SEPARATOR = "\t";

	private static final int FIELDS = 6;

	public LockEvent {
		Objects.requireNonNull(instance, "'instance' must not be null");
		Objects.requireNonNull(type, "'type' must not be null");
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(key, "'key' must not be null");
	}

	/**
	 * Reads an event written by {@link #encode()}.
	 * @param encoded the encoded event
	 * @return the event
	 * @throws IllegalArgumentException if {@code encoded} is not an encoded event
	 */
	static LockEvent decode(String encoded) {
		// The key comes last and may contain anything, the separator included.
		String[] fields = encoded.split(SEPARATOR, FIELDS);
		if (fields.length != FIELDS) {
			throw new IllegalArgumentException("Not a lock event: '" + encoded + "'");
		}
		return new LockEvent(Long.parseLong(fields[0]), fields[1], Type.valueOf(fields[2]), Long.parseLong(fields[3]),
				fields[4], fields[5]);
	}

	/**
	 * Writes this event as one tab-separated line, the key last.
	 * @return the encoded event
	 */
	String encode() {
		return String.join(SEPARATOR, Long.toString(this.at), this.instance, this.type.name(), Long.toString(this.token),
				this.name, this.key);
	}

	/**
	 * What happened to the lock.
	 */
	public enum Type {

		/** The instance acquired it. */
		ACQUIRED,

		/** The instance released it. */
		RELEASED,

		/** The instance lost its lease before releasing it. */
		LOST

	}

}
