package io.distlock.zookeeper;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.distlock.core.LockMode;

/**
 * Maps lock keys to ZooKeeper paths: one container node per key directly under the base path,
 * the key encoded so that any key is one valid path element and distinct keys stay distinct. A
 * contender node's name records its kind, which the sequence number ZooKeeper appends follows:
 * {@value #MUTEX_NAME} a mutex (as every node of earlier versions), {@value #SHARED_NAME} a share,
 * {@value #PERMITS_NAME}{@code N-} one of N permits.
 */
final class LockPaths {

	/** Node name of a mutex contender. */
	static final String MUTEX_NAME = "lock-";

	/** Node name of a share contender. */
	static final String SHARED_NAME = "shared-";

	/** Node name of a permit contender, before its number of permits and a dash. */
	static final String PERMITS_NAME = "permits-";

	private static final int SEQUENCE_DIGITS = 10;

	/** Contenders in queue order: by the sequence number that ends every name. */
	static final Comparator<String> QUEUE_ORDER = Comparator.comparing(LockPaths::sequence);

	private final String basePath;

	LockPaths(String basePath) {
		this.basePath = basePath;
	}

	String basePath() {
		return this.basePath;
	}

	String parent(String key) {
		return container(element(key));
	}

	/**
	 * The container node of the key whose encoded form is {@code element}.
	 */
	String container(String element) {
		return this.basePath + "/" + element;
	}

	/**
	 * The path, before ZooKeeper appends the sequence number, of a contender node of {@code kind}.
	 */
	String node(String key, LockQueue.Kind kind) {
		String name;
		if (kind.isShared()) {
			name = SHARED_NAME;
		}
		else {
			name = (kind.permits() > 1) ? PERMITS_NAME + kind.permits() + "-" : MUTEX_NAME;
		}
		return parent(key) + "/" + name;
	}

	/**
	 * The key of a container node or of a node in one.
	 * @return the key, or {@code null} for a path elsewhere
	 */
	@Nullable String keyOf(String path) {
		String prefix = this.basePath + "/";
		if (!path.startsWith(prefix)) {
			return null;
		}
		int end = path.indexOf('/', prefix.length());
		return key(path.substring(prefix.length(), (end < 0) ? path.length() : end));
	}

	/**
	 * The key encoded as one path element: the name of its container node.
	 */
	static String element(String key) {
		String element = URLEncoder.encode(key, StandardCharsets.UTF_8);
		if (element.equals(".") || element.equals("..")) {
			// Relative path elements are not allowed in ZooKeeper; the encoding never yields "%2E".
			element = element.replace(".", "%2E");
		}
		return element;
	}

	/**
	 * The key a container node's name encodes.
	 * @throws IllegalArgumentException if the name is no encoding
	 */
	static String key(String element) {
		return URLDecoder.decode(element, StandardCharsets.UTF_8);
	}

	static String name(String path) {
		return path.substring(path.lastIndexOf('/') + 1);
	}

	static List<String> inQueueOrder(List<String> children) {
		return children.stream().sorted(QUEUE_ORDER).toList();
	}

	/**
	 * The kind a contender node's name records: a mutex unless it names another kind.
	 */
	static LockQueue.Kind kind(String name) {
		String prefix = name.substring(0, Math.max(0, name.length() - SEQUENCE_DIGITS));
		if (prefix.endsWith(SHARED_NAME)) {
			return LockQueue.Kind.SHARED;
		}
		int at = prefix.lastIndexOf(PERMITS_NAME);
		int end = prefix.length() - 1;
		if (at >= 0 && at + PERMITS_NAME.length() < end && prefix.charAt(end) == '-') {
			try {
				int permits = Integer.parseInt(prefix.substring(at + PERMITS_NAME.length(), end));
				if (permits >= 1) {
					return new LockQueue.Kind(LockMode.EXCLUSIVE, permits);
				}
			}
			catch (NumberFormatException ex) {
				// Not a name this class made: a mutex, as below.
			}
		}
		return LockQueue.Kind.MUTEX;
	}

	private static String sequence(String name) {
		return (name.length() >= SEQUENCE_DIGITS) ? name.substring(name.length() - SEQUENCE_DIGITS) : name;
	}

}
