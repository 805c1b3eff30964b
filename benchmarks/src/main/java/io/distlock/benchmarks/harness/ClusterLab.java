package io.distlock.benchmarks.harness;

import java.util.List;

import io.distlock.benchmarks.adapter.ClusterEndpoint;
import io.distlock.benchmarks.adapter.Library;
import io.distlock.testsupport.RedisClusterTopology;

/**
 * The cluster run's bench: a Redis Cluster of three primaries from plain redis-server processes
 * on loopback, and every library that runs on a cluster opened once against it.
 */
final class ClusterLab extends LocalBench {

	/** Primaries of the benchmark's cluster, each serving a third of the slots. */
	static final int PRIMARIES = 3;

	private final RedisClusterTopology cluster;

	private ClusterLab(Settings settings, RedisClusterTopology cluster) {
		super(settings, "cluster:");
		this.cluster = cluster;
	}

	/**
	 * Starts the cluster and opens the libraries of {@code settings}.
	 * @param settings the run, whose libraries must all {@link Library#runsOnCluster() run on a cluster}
	 * @return the bench, which the caller closes
	 */
	static ClusterLab start(Settings settings) {
		ClusterLab lab = new ClusterLab(settings, RedisClusterTopology.start(PRIMARIES, 0));
		try {
			ClusterEndpoint endpoint = new ClusterEndpoint(lab.cluster.addresses());
			lab.libraries.open(settings.libraries(), (library) -> library.openOnCluster(endpoint));
			return lab;
		}
		catch (RuntimeException ex) {
			lab.close();
			throw ex;
		}
	}

	/**
	 * The libraries of {@code libraries} that run on a cluster.
	 */
	static List<Library> clusterLibraries(List<Library> libraries) {
		return libraries.stream().filter(Library::runsOnCluster).toList();
	}

	String redisVersion() {
		return this.cluster.primaries().get(0).version();
	}

	@Override
	public void close() {
		try {
			this.libraries.close();
		}
		finally {
			this.cluster.close();
		}
	}

}
