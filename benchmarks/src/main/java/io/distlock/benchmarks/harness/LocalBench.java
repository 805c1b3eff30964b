package io.distlock.benchmarks.harness;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.adapter.LockAdapter;

/**
 * What the scenarios that run in this JVM need: the open libraries, a witness and fresh keys. A
 * standalone {@link Lab} and a {@link ClusterLab} are both one.
 */
abstract class LocalBench implements AutoCloseable {

	private final Settings settings;

	private final String keyspaceTag;

	private final SharedMemory localMemory = SharedMemory.inProcess();

	/** The libraries of the run, opened by the bench once its servers are up. */
	final OpenLibraries libraries = new OpenLibraries();

	private long keyspaces;

	/**
	 * @param settings the run
	 * @param keyspaceTag what sets this bench's keys apart from another's, such as {@code "cluster:"}, or empty
	 */
	LocalBench(Settings settings, String keyspaceTag) {
		this.settings = settings;
		this.keyspaceTag = keyspaceTag;
	}

	final Settings settings() {
		return this.settings;
	}

	final LockAdapter adapter(Library library) {
		return this.libraries.get(library);
	}

	/**
	 * A fresh witness for critical sections in this JVM.
	 */
	final Occupancy localWitness() {
		this.localMemory.clear();
		return new Occupancy(this.localMemory, 0);
	}

	/**
	 * A key prefix no earlier measurement used, in the library's own namespace.
	 */
	final String keyspace(Library library, String scenario) {
		return library.id() + ":" + this.keyspaceTag + scenario + ":" + (++this.keyspaces) + ":";
	}

	@Override
	public abstract void close();

}
