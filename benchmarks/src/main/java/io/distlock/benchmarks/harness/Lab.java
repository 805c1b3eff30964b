package io.distlock.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.curator.test.TestingServer;
import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.Endpoint;
import io.distlock.testsupport.RedisServer;

/**
 * Everything the scenarios run on: the benchmark's own redis-server and in-process ZooKeeper
 * server, a second redis-server for the workers' control traffic (so it never shows in the
 * measured server's statistics), every library opened once in this JVM, and the worker JVMs when
 * a selected scenario needs them.
 */
final class Lab extends LocalBench {

	private final RedisServer bench;

	private final RedisServer control;

	private final TestingServer zooKeeper;

	private @Nullable Workers workers;

	private Lab(Settings settings, RedisServer bench, RedisServer control, TestingServer zooKeeper) {
		super(settings, "");
		this.bench = bench;
		this.control = control;
		this.zooKeeper = zooKeeper;
	}

	static Lab start(Settings settings) {
		RedisServer bench = RedisServer.start();
		Lab lab = new Lab(settings, bench, RedisServer.start(), startZooKeeper());
		try {
			Workers workers = settings.needsWorkers() ? Workers.start(settings, lab.endpoint(), lab.control) : null;
			lab.workers = workers;
			lab.libraries.open(settings.libraries(), (library) -> library.open(lab.endpoint()));
			if (workers != null) {
				workers.awaitReady();
			}
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

	RedisServer bench() {
		return this.bench;
	}

	Endpoint endpoint() {
		return new Endpoint(this.bench.host(), this.bench.port(), this.zooKeeper.getConnectString());
	}

	Workers workers() {
		if (this.workers == null) {
			throw new IllegalStateException("The worker JVMs are stopped or were never started");
		}
		return this.workers;
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
		try {
			this.libraries.close();
		}
		catch (RuntimeException ex) {
			failure = OpenLibraries.addTo(failure, ex);
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
