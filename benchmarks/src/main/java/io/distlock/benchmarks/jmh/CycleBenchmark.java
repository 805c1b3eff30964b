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

import io.distlock.benchmarks.adapter.Endpoint;
import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.adapter.LockAdapter;

/**
 * One uncontended lock + unlock on a fresh key, per library; with {@code -prof gc} it gives the
 * bytes allocated per cycle.
 *
 * @since 1.0.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CycleBenchmark {

	/** The {@link Library} measured. */
	@Param({ "FLOOR", "DISTLOCK_LOCK", "DISTLOCK_ACQUIRE", "DISTLOCK_ASPECT", "REDISSON", "SI_SPIN", "SI_PUB_SUB",
			"SHEDLOCK" })
	public String library = "DISTLOCK_ACQUIRE";

	private final Runnable criticalSection = () -> {
	};

	private LockAdapter adapter;

	private Keys keys;

	/**
	 * Connects the library.
	 */
	@Setup(Level.Trial)
	public void open() {
		Library measured = Library.valueOf(this.library);
		this.adapter = measured.open(Endpoint.fromSystemProperties());
		this.keys = new Keys(measured.id() + ":jmh:");
	}

	/**
	 * Locks a fresh key, runs an empty critical section and unlocks.
	 */
	@Benchmark
	public void lockAndUnlock() {
		this.adapter.runLocked(this.keys.next(), this.criticalSection);
	}

	/**
	 * Disconnects the library.
	 */
	@TearDown(Level.Trial)
	public void close() {
		this.adapter.close();
	}

}
