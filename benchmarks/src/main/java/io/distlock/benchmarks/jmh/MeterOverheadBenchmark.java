package io.distlock.benchmarks.jmh;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.distlock.core.LockListener;
import io.distlock.core.LockListener.AcquisitionTracker;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.metrics.LostLeaseCounter;
import io.distlock.metrics.MicrometerLockListener;
import io.distlock.metrics.ObservationLockListener;

/**
 * The meter path's cost per acquisition: the events the lock manager reports for one
 * acquisition (requested, acquired, released) through the Micrometer listener, through the
 * observation listener with Micrometer's default meter handler (as auto-configured when the
 * context has an {@code ObservationRegistry}), and through the no-op listener the manager uses
 * when meters are off.
 *
 * @since 1.0.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MeterOverheadBenchmark {

	/** {@code micrometer}, {@code observation} or {@code off}. */
	@Param({ "micrometer", "observation", "off" })
	public String meters = "micrometer";

	private final LockRequest request = LockRequest.of("orders:42", Duration.ofSeconds(30)).withName("orders");

	private final LockResult acquired = new LockResult(LockStatus.ACQUIRED, 1, Duration.ofNanos(50_000), null);

	private LockListener listener;

	/**
	 * Creates the listener measured.
	 */
	@Setup(Level.Trial)
	public void open() {
		this.listener = switch (this.meters) {
			case "micrometer" -> new MicrometerLockListener(new SimpleMeterRegistry());
			case "observation" -> observed(new SimpleMeterRegistry());
			case "off" -> LockListener.NO_OP;
			default -> throw new IllegalArgumentException("Unknown meters parameter '" + this.meters + "'");
		};
	}

	private static LockListener observed(MeterRegistry meters) {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		return LockListener.of(List.of(new ObservationLockListener(observations), new LostLeaseCounter(meters)));
	}

	/**
	 * Reports one acquisition's events.
	 * @return the tracker, so the work is not optimised away
	 */
	@Benchmark
	public AcquisitionTracker acquisition() {
		AcquisitionTracker tracker = this.listener.requested(this.request);
		tracker.completed(this.acquired, false);
		tracker.released();
		return tracker;
	}

}
