package io.distlock.zookeeper;

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
		String element = URLEncoder.encode(key, StandardCharsets.UTF_8);
		if (element.equals(".") || element.equals("..")) {
			// Relative path elements are not allowed in ZooKeeper; the encoding never yields "%2E".
			element = element.replace(".", "%2E");
		}
		return this.basePath + "/" + element;
	}

	String node(String key) {
		return parent(key) + "/" + NODE_NAME;
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
