package io.distlock.metrics;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import io.distlock.core.LockListener;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;

/**
 * Records the {@code distlock.*} meters: {@code distlock.acquire} (by outcome, contention and keys),
 * {@code distlock.acquire.active}, {@code distlock.held}, {@code distlock.held.active} and
 * {@code distlock.lost}, directly in a {@link MeterRegistry}; a lock's hold ends at its release or
 * at the loss of its lease, whichever comes first. Tags carry the lock's name, never its per-call
 * key, so the number of meters is bounded by the number of names. The auto-configuration uses it
 * only when the context has no {@code ObservationRegistry}; otherwise {@link ObservationLockListener}
 * records the same meters.
 *
 * @since 1.0.0
 */
public final class MicrometerLockListener implements LockListener {

	private final MeterRegistry registry;

	private final ConcurrentHashMap<String, NameMeters> meters = new ConcurrentHashMap<>();

	/**
	 * Creates a listener recording into {@code registry}.
	 * @param registry the meter registry
	 */
	public MicrometerLockListener(MeterRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "'registry' must not be null");
	}

	@Override
	public AcquisitionTracker requested(LockRequest request) {
		return requested(request, 1);
	}

	@Override
	public AcquisitionTracker requested(LockRequest request, int keys) {
		String bucket = KeyCount.bucket(keys);
		return new Tracker(this.meters.computeIfAbsent(request.name() + '\u0000' + bucket,
				(ignored) -> new NameMeters(this.registry, request.name(), bucket)));
	}

	/**
	 * The meters of one lock name and key count, resolved once.
	 */
	private static final class NameMeters {

		private static final int OUTCOMES = LockStatus.values().length;

		private final Timer[] acquire = new Timer[OUTCOMES * 2];

		private final LongTaskTimer acquireActive;

		private final Timer held;

		private final LongTaskTimer heldActive;

		private final Counter lost;

		NameMeters(MeterRegistry registry, String name, String keys) {
			for (LockStatus status : LockStatus.values()) {
				for (boolean contended : new boolean[] { false, true }) {
					this.acquire[index(status, contended)] = Timer.builder("distlock.acquire")
						.description("Time from a lock request to its outcome")
						.tag("name", name)
						.tag("outcome", status.name().toLowerCase(Locale.ROOT))
						.tag("contended", Boolean.toString(contended))
						.tag("keys", keys)
						.register(registry);
				}
			}
			this.acquireActive = LongTaskTimer.builder("distlock.acquire.active")
				.description("Lock requests waiting now")
				.tag("name", name)
				.register(registry);
			this.held = Timer.builder("distlock.held")
				.description("Time from acquiring a lock to releasing it")
				.tag("name", name)
				.tag("keys", keys)
				.register(registry);
			this.heldActive = LongTaskTimer.builder("distlock.held.active")
				.description("Locks this process holds now")
				.tag("name", name)
				.register(registry);
			this.lost = LostLeaseCounter.register(registry, name);
		}

		private static int index(LockStatus status, boolean contended) {
			return status.ordinal() * 2 + (contended ? 1 : 0);
		}

		Timer acquire(LockStatus status, boolean contended) {
			return this.acquire[index(status, contended)];
		}

	}

	/**
	 * The meters' view of one request.
	 */
	private static final class Tracker implements AcquisitionTracker {

		private final NameMeters meters;

		private final LongTaskTimer.Sample waiting;

		private final AtomicReference<LongTaskTimer.@Nullable Sample> holding = new AtomicReference<>();

		private volatile long acquiredAt;

		Tracker(NameMeters meters) {
			this.meters = meters;
			this.waiting = meters.acquireActive.start();
		}

		@Override
		public void completed(LockResult result, boolean contended) {
			this.waiting.stop();
			this.meters.acquire(result.status(), contended).record(result.waited());
			if (result.acquired()) {
				this.acquiredAt = System.nanoTime();
				this.holding.set(this.meters.heldActive.start());
			}
		}

		@Override
		public void released() {
			endHold();
		}

		@Override
		public void lost() {
			this.meters.lost.increment();
			// The hold ends here: the lock is no longer this process's, though its handle is not released yet.
			endHold();
		}

		private void endHold() {
			LongTaskTimer.Sample sample = this.holding.getAndSet(null);
			if (sample != null) {
				sample.stop();
				this.meters.held.record(System.nanoTime() - this.acquiredAt, TimeUnit.NANOSECONDS);
			}
		}

	}

}
