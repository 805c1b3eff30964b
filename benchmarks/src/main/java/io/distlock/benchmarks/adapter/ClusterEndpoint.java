package io.distlock.benchmarks.adapter;

import java.util.List;

/**
 * Where the benchmark's Redis Cluster listens.
 *
 * @param nodes {@code host:port} of every node, as {@code spring.data.redis.cluster.nodes} takes them
 * @since 1.0.0
 */
public record ClusterEndpoint(List<String> nodes) {

	/**
	 * Copies the node list.
	 * @param nodes {@code host:port} of every node
	 */
	public ClusterEndpoint {
		nodes = List.copyOf(nodes);
	}

}
