package io.distlock.metrics;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import io.distlock.core.LockListener;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;

/**
 * Records the {@code distlock.*} meters: {@code distlock.acquire} (by outcome, contention, keys and
 * mode), {@code distlock.acquire.active}, {@code distlock.held} (by keys and mode),
 * {@code distlock.held.active} and {@code distlock.lost}, directly in a {@link MeterRegistry}; a
 * lock's hold ends at its release or at the loss of its lease, whichever comes first. Tags carry
 * the lock's name, never its per-call key, so the number of meters is bounded by the number of
 * names; the mode is {@code exclusive} (permits included) or {@code shared}. The auto-configuration
 * uses it only when the context has no {@code ObservationRegistry}; otherwise
 * {@link ObservationLockListener} records the same meters.
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
		NameMeters named = this.meters.get(request.name());
		if (named == null) {
			// Looked up first, so that the capturing factory is made only for a name not seen before.
			named = this.meters.computeIfAbsent(request.name(), (name) -> new NameMeters(this.registry, name));
		}
		return new Tracker(named, named.kind(keys, request.mode()));
	}

	/**
	 * The meters of one lock name, resolved once: those tagged with the name alone, and those of
	 * each key count and mode, registered at first use.
	 */
	private static final class NameMeters {

		private static final int MODES = LockMode.values().length;

		private final MeterRegistry registry;

		private final String name;

		private final LongTaskTimer acquireActive;

		private final LongTaskTimer heldActive;

		private final Counter lost;

		private final AtomicReferenceArray<@Nullable KindMeters> kinds = new AtomicReferenceArray<>(
				KeyCount.BUCKET_COUNT * MODES);

		NameMeters(MeterRegistry registry, String name) {
			this.registry = registry;
			this.name = name;
			this.acquireActive = LongTaskTimer.builder("distlock.acquire.active")
				.description("Lock requests waiting now")
				.tag("name", name)
				.register(registry);
			this.heldActive = LongTaskTimer.builder("distlock.held.active")
				.description("Locks this process holds now")
				.tag("name", name)
				.register(registry);
			this.lost = LostLeaseCounter.register(registry, name);
		}

		KindMeters kind(int keys, LockMode mode) {
			int index = KeyCount.index(keys) * MODES + mode.ordinal();
			KindMeters kind = this.kinds.get(index);
			if (kind == null) {
				// Two threads racing here register the same meters, which the registry hands both.
				kind = new KindMeters(this.registry, this.name, KeyCount.bucket(keys), mode);
				this.kinds.set(index, kind);
			}
			return kind;
		}

	}

	/**
	 * The meters of one lock name, key count and mode.
	 */
	private static final class KindMeters {

		private static final int OUTCOMES = LockStatus.values().length;

		private final Timer[] acquire = new Timer[OUTCOMES * 2];

		private final Timer held;

		KindMeters(MeterRegistry registry, String name, String keys, LockMode mode) {
			for (LockStatus status : LockStatus.values()) {
				for (boolean contended : new boolean[] { false, true }) {
					this.acquire[index(status, contended)] = Timer.builder("distlock.acquire")
						.description("Time from a lock request to its outcome")
						.tag("name", name)
						.tag("outcome", status.name().toLowerCase(Locale.ROOT))
						.tag("contended", Boolean.toString(contended))
						.tag("keys", keys)
						.tag("mode", mode.tagValue())
						.register(registry);
				}
			}
			this.held = Timer.builder("distlock.held")
				.description("Time from acquiring a lock to releasing it")
				.tag("name", name)
				.tag("keys", keys)
				.tag("mode", mode.tagValue())
				.register(registry);
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

		private final NameMeters named;

		private final KindMeters kind;

		private final LongTaskTimer.Sample waiting;

		private final AtomicReference<LongTaskTimer.@Nullable Sample> holding = new AtomicReference<>();

		private volatile long acquiredAt;

		Tracker(NameMeters named, KindMeters kind) {
			this.named = named;
			this.kind = kind;
			this.waiting = named.acquireActive.start();
		}

		@Override
		public void completed(LockResult result, boolean contended) {
			this.waiting.stop();
			this.kind.acquire(result.status(), contended).record(result.waited());
			if (result.acquired()) {
				this.acquiredAt = System.nanoTime();
				this.holding.set(this.named.heldActive.start());
			}
		}

		@Override
		public void released() {
			endHold();
		}

		@Override
		public void lost() {
			this.named.lost.increment();
			// The hold ends here: the lock is no longer this process's, though its handle is not released yet.
			endHold();
		}

		private void endHold() {
			LongTaskTimer.Sample sample = this.holding.getAndSet(null);
			if (sample != null) {
				sample.stop();
				this.kind.held.record(System.nanoTime() - this.acquiredAt, TimeUnit.NANOSECONDS);
			}
		}

	}

}
