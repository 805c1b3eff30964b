package io.distlock.benchmarks.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.distlock.benchmarks.adapter.AnnotatedSection;
import io.distlock.benchmarks.adapter.AspectContext;
import io.distlock.benchmarks.adapter.Endpoint;
import io.distlock.benchmarks.adapter.LockAdapter;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockRequest;

/**
 * The same uncontended lock taken through {@code @DistributedLock} and through the programmatic
 * API on the same lock manager: on Redis (what a user sees) and on a manager that locks nothing
 * (the aspect's own cost, without Redis noise).
 *
 * @since 1.0.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AspectOverheadBenchmark {

	/** {@code redis} or {@code in-memory}. */
	@Param({ "redis", "in-memory" })
	public String backend = "redis";

	private final Runnable criticalSection = () -> {
	};

	private AspectContext context;

	private LockManager locks;

	private AnnotatedSection annotated;

	private Keys keys;

	private Keys lockNames;

	/**
	 * Starts the Spring context.
	 */
	@Setup(Level.Trial)
	public void open() {
		this.context = this.backend.equals("redis") ? AspectContext.onRedis(Endpoint.fromSystemProperties())
				: AspectContext.on(new InMemoryLockManager());
		this.locks = this.context.lockManager();
		this.annotated = this.context.section();
		// The aspect locks name + ':' + key; the programmatic call gets the whole name, built beforehand.
		this.keys = new Keys("aspect:");
		this.lockNames = new Keys("bench:aspect:");
	}

	/**
	 * {@code lockManager.acquire} in try-with-resources.
	 */
	@Benchmark
	public void programmatic() {
		LockRequest request = LockRequest.of(this.lockNames.next(), LockAdapter.LEASE).withWaitTime(LockAdapter.WAIT);
		try (LockHandle handle = this.locks.acquire(request)) {
			this.criticalSection.run();
		}
	}

	/**
	 * The {@code @DistributedLock} method.
	 */
	@Benchmark
	public void annotated() {
		this.annotated.run(this.keys.next(), this.criticalSection);
	}

	/**
	 * Stops the Spring context.
	 */
	@TearDown(Level.Trial)
	public void close() {
		this.context.close();
	}

}
