package io.distlock.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

import org.apache.curator.test.TestingServer;
import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.Endpoint;
import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.adapter.LockAdapter;
import io.distlock.testsupport.RedisServer;

/**
 * Everything the scenarios run on: the benchmark's own redis-server and in-process ZooKeeper
 * server, a second redis-server for the workers' control traffic (so it never shows in the
 * measured server's statistics), every library opened once in this JVM, and the worker JVMs.
 */
final class Lab implements AutoCloseable {

	private final Settings settings;

	private final RedisServer bench;

	private final RedisServer control;

	private final TestingServer zooKeeper;

	private final Map<Library, LockAdapter> adapters = new EnumMap<>(Library.class);

	private final SharedMemory localMemory = SharedMemory.inProcess();

	private @Nullable Workers workers;

	private long keyspaces;

	private Lab(Settings settings, RedisServer bench, RedisServer control, TestingServer zooKeeper) {
		this.settings = settings;
		this.bench = bench;
		this.control = control;
		this.zooKeeper = zooKeeper;
	}

	static Lab start(Settings settings) {
		RedisServer bench = RedisServer.start();
		Lab lab = new Lab(settings, bench, RedisServer.start(), startZooKeeper());
		try {
			lab.workers = Workers.start(settings, lab.endpoint(), lab.control);
			for (Library library : settings.libraries()) {
				lab.adapters.put(library, library.open(lab.endpoint()));
			}
			lab.workers.awaitReady();
			return lab;
		}
		catch (RuntimeException ex) {
			lab.close();
			throw ex;
		}
	}

	private static TestingServer startZooKeeper() {
		try {
			return new TestingServer(true);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start the in-process ZooKeeper server", ex);
		}
	}

	Settings settings() {
		return this.settings;
	}

	RedisServer bench() {
		return this.bench;
	}

	Endpoint endpoint() {
		return new Endpoint(this.bench.host(), this.bench.port(), this.zooKeeper.getConnectString());
	}

	LockAdapter adapter(Library library) {
		LockAdapter adapter = this.adapters.get(library);
		if (adapter == null) {
			throw new IllegalArgumentException(library + " is not part of this run");
		}
		return adapter;
	}

	Workers workers() {
		if (this.workers == null) {
			throw new IllegalStateException("The worker JVMs are stopped");
		}
		return this.workers;
	}

	/**
	 * A fresh witness for critical sections in this JVM.
	 */
	Occupancy localWitness() {
		this.localMemory.clear();
		return new Occupancy(this.localMemory, 0);
	}

	/**
	 * A key prefix no earlier measurement used, in the library's own namespace.
	 */
	String keyspace(Library library, String scenario) {
		return library.id() + ":" + scenario + ":" + (++this.keyspaces) + ":";
	}

	/**
	 * Stops the worker JVMs, so that what runs next has the machine's cores to itself.
	 */
	void stopWorkers() {
		if (this.workers != null) {
			this.workers.close();
			this.workers = null;
		}
	}

	@Override
	public void close() {
		RuntimeException failure = null;
		try {
			stopWorkers();
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		for (LockAdapter adapter : this.adapters.values()) {
			try {
				adapter.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		this.control.close();
		this.bench.close();
		try {
			this.zooKeeper.close();
		}
		catch (IOException ex) {
			failure = (failure != null) ? failure : new UncheckedIOException(ex);
		}
		if (failure != null) {
			throw failure;
		}
	}

}
