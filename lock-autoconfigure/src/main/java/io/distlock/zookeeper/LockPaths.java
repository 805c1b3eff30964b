package io.distlock.zookeeper;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * Maps lock keys to ZooKeeper paths: one container node per key directly under the base path,
 * the key encoded so that any key is one valid path element and distinct keys stay distinct.
 */
final class LockPaths {

	/** Node name of every contender; ZooKeeper appends the sequence number. */
	static final String NODE_NAME = "lock-";

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

	String node(String key) {
		return parent(key) + "/" + NODE_NAME;
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

	private static String sequence(String name) {
		return (name.length() >= SEQUENCE_DIGITS) ? name.substring(name.length() - SEQUENCE_DIGITS) : name;
	}

}
