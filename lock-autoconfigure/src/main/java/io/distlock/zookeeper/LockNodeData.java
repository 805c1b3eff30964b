package io.distlock.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What a contender node records for operators, written with the node: five UTF-8 lines, a format
 * marker ({@value #FORMAT}), the ttl in milliseconds, the owner token, the holding process and
 * the lock's name (last, so it may hold line breaks).
 *
 * @param ttl the ttl the request asked for
 * @param owner the owner token of the request that contends with the node, so a forced release
 * can name it
 * @param holder the process the node belongs to
 * @param name the lock's name
 */
record LockNodeData(Duration ttl, String owner, String holder, String name) {

	static final String FORMAT = "distlock-lock/1";

	LockNodeData {
		// A line break would shift the lines after it.
		owner = owner.replace('\n', ' ');
		holder = holder.replace('\n', ' ');
	}

	byte[] encode() {
		return String.join("\n", FORMAT, Long.toString(this.ttl.toMillis()), this.owner, this.holder, this.name)
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Reads a node's data.
	 * @return the record, or {@code null} for data in another format (a node of an earlier version)
	 */
	static @Nullable LockNodeData decode(byte @Nullable [] data) {
		String[] lines = (data != null) ? new String(data, StandardCharsets.UTF_8).split("\n", 5) : new String[0];
		if (lines.length < 5 || !lines[0].equals(FORMAT)) {
			return null;
		}
		try {
			return new LockNodeData(Duration.ofMillis(Long.parseLong(lines[1])), lines[2], lines[3], lines[4]);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
