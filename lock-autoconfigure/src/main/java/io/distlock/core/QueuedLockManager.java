package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distlock.core.LockListener.AcquisitionTracker;
import io.distlock.core.spi.BackendEvents;
import io.distlock.core.spi.LockBackend;

/**
 * The backend-neutral {@link LockManager}: per key and process, requests queue locally in FIFO
 * order and only the front one contends in the backend; it is woken by the backend's release
 * notifications, with a jittered back-off retry as the bound when a notification is lost. A
 * released lock is handed straight to the next local waiter: in memory, with the next fencing
 * token, for a short window after each backend grant when the backend allows it, else in the
 * backend's release call when the backend sees no other process waiting. Every wait ends by its
 * bound.
 * <p>
 * Each key's state is one {@link KeyLane}, which alone decides every transition. Backend calls
 * run on the thread that waits for them ({@link LockHandle#await()}, {@link #acquire}, an
 * {@code unlock}), else on a fixed set of worker threads; the engine's threads start with
 * {@link #start()}, which the first request calls if nobody did.
 *
 * @since 1.0.0
 */
public final class QueuedLockManager implements LockManager, LockIntrospector {

	private static final Logger logger = LoggerFactory.getLogger(QueuedLockManager.class);

	private final LockBackend backend;

	private final LockSettings settings;

	private final LockListener listener;

	private final OwnerTokens ownerTokens = new OwnerTokens();

	private final ConcurrentHashMap<String, KeyLane> lanes = new ConcurrentHashMap<>();

	private final HeldLockEvents heldLockEvents = new HeldLockEvents();

	private final EngineThreads threads;

	private final LaneIo io;

	private final Handles handles = new Handles();

	private volatile boolean started;

	private volatile boolean closed;

	private volatile boolean backendSuspended;

	/**
	 * Creates a manager over {@code backend}, which it closes when closed itself. Starts no thread.
	 * @param backend the lock store
	 * @param settings how to wait, and the sizes of the engine's threads
	 * @param listener what observes requests
	 */
	public QueuedLockManager(LockBackend backend, LockSettings settings, LockListener listener) {
		this.backend = Objects.requireNonNull(backend, "'backend' must not be null");
		this.settings = Objects.requireNonNull(settings, "'settings' must not be null");
		this.listener = Objects.requireNonNull(listener, "'listener' must not be null");
		this.threads = new EngineThreads(settings);
		this.io = new LaneIo(backend, settings, this.threads, this.lanes);
	}

	/**
	 * Starts the engine's threads and the backend's connection events; idempotent.
	 */
	public synchronized void start() {
		if (this.started || this.closed) {
			return;
		}
		this.threads.start();
		this.backend.start();
		this.backend.observe(this.heldLockEvents);
		this.started = true;
	}

	@Override
	public LockHandle lock(String key, Duration ttl) {
		return lock(LockRequest.of(key, ttl).withWaitTime(this.settings.defaultWaitTime()));
	}

	@Override
	public LockHandle lock(LockRequest request) {
		return submit(request, false);
	}

	/**
	 * Reported to listeners as one request; its keys' own requests are not. Consecutive keys of
	 * one {@link LockBackend#acquireGroup group} that are free in this process make their first
	 * attempt in one backend call.
	 */
	@Override
	public LockHandle lockAll(Collection<String> keys, LockRequest each) {
		Objects.requireNonNull(each, "'each' must not be null");
		if (!each.isMutex()) {
			throw new IllegalArgumentException("Several keys are locked as mutexes only, not " + kindOf(each)
					+ " (keys " + keys + ")");
		}
		return MultiKeyLock.start(new MultiKeyParts(), keys, each::withKey, this.listener);
	}

	@Override
	public LockHandle acquire(LockRequest request) {
		Acquisition acquisition = submit(request, true);
		LockResult result = acquisition.await();
		if (result.acquired()) {
			return acquisition;
		}
		throw result.toException(request);
	}

	/**
	 * The number of keys this process has requests for now; zero once every lock is released.
	 * @return the number of local key lanes
	 */
	public int activeKeys() {
		return this.lanes.size();
	}

	@Override
	public List<LocalLockState> localLocks() {
		List<LocalLockState> states = new ArrayList<>(this.lanes.size());
		for (KeyLane lane : this.lanes.values()) {
			LocalLockState state = lane.localState();
			if (state != null) {
				states.add(state);
			}
		}
		return states;
	}

	@Override
	public HeldLocksPage backendLocks(@Nullable String cursor, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("A page of locks needs a limit of at least 1, got " + limit);
		}
		return this.backend.heldLocks(cursor, limit);
	}

	/**
	 * Asks the backend on the calling thread; a holder of this process that was evicted hears of
	 * it at once, one of another process at its next renewal.
	 */
	@Override
	public @Nullable HeldLock forceRelease(String key) {
		Objects.requireNonNull(key, "'key' must not be null");
		LockBackend.ForcedRelease released = this.backend.forceRelease(key);
		if (released == null) {
			return null;
		}
		this.heldLockEvents.lost(key, released.owner(), LeaseKeeper.EVICTED);
		try {
			this.listener.forcedRelease(released.lock());
		}
		catch (RuntimeException ex) {
			logger.warn("Lock listener failed for the forced release of lock '{}'", key, ex);
		}
		return released.lock();
	}

	@Override
	public void checkBackend() {
		try {
			this.backend.check();
		}
		catch (RuntimeException ex) {
			throw new LockException("Lock backend cannot serve locks: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Admits a request to its key's lane. The front's first attempt runs on the caller when it is
	 * about to wait ({@code inline}), else on the waiting thread or a worker, whichever comes first.
	 */
	private Acquisition submit(LockRequest request, boolean inline) {
		Objects.requireNonNull(request, "'request' must not be null");
		if (!request.isMutex() && !this.backend.supportsLockKinds()) {
			throw new UnsupportedOperationException(this.backend.getClass().getSimpleName() + " cannot take lock '"
					+ request.key() + "' as " + kindOf(request) + ": it has mutexes only");
		}
		return submit(request, inline, this.listener.requested(request));
	}

	private static String kindOf(LockRequest request) {
		return (request.mode() == LockMode.SHARED) ? "a SHARED lock" : request.permits() + " permits";
	}

	private Acquisition submit(LockRequest request, boolean inline, AcquisitionTracker tracker) {
		Acquisition acquisition = newAcquisition(request, tracker);
		KeyLane lane = join(acquisition, true);
		if (lane != null && inline) {
			acquisition.reserveAttempt();
		}
		else if (lane != null) {
			attemptFirst(lane, acquisition, List.of());
		}
		return acquisition;
	}

	/**
	 * Starts the first attempt of a new front, on a worker or the thread that waits for it,
	 * together with {@code companions}.
	 */
	private void attemptFirst(KeyLane lane, Acquisition front, List<Acquisition> companions) {
		front.attemptWith(companions);
		// A zero wait is its one attempt, which ends it: a deadline armed now would end it while that
		// attempt is in flight and give back the lock it took.
		if (!front.request().waitTime().isZero()) {
			this.io.armDeadline(lane, front);
		}
		this.io.dispatch(lane, front);
	}

	private Acquisition newAcquisition(LockRequest request, AcquisitionTracker tracker) {
		if (!this.started) {
			start();
		}
		return new Acquisition(this.handles, request, this.ownerTokens.next(), tracker);
	}

	/**
	 * Admits {@code acquisition} to its key's lane.
	 * @param mayQueue whether it may wait behind others there (its deadline then armed), else it
	 * joins only as the front, and ends {@link LockStatus#CANCELLED} unannounced when it cannot
	 * @return the lane when it is the front, else {@code null}: it waits behind others, or has
	 * ended (rejected, not the front, or this manager is closed)
	 */
	private @Nullable KeyLane join(Acquisition acquisition, boolean mayQueue) {
		if (this.closed) {
			acquisition.state().end(LockStatus.CANCELLED);
			acquisition.announceResult();
			return null;
		}
		for (;;) {
			String laneKey = KeyLane.laneKey(acquisition.request(), acquisition.state().owner());
			KeyLane lane = this.lanes.computeIfAbsent(laneKey,
					(ignored) -> new KeyLane(laneKey, acquisition.request(), this.io));
			KeyLane.Admission admission = lane.admit(acquisition, this.settings.maxWaitersPerKey(), mayQueue);
			if (this.closed && admission != KeyLane.Admission.RETIRED) {
				// close() may have looked at the lanes before this request joined one.
				acquisition.cancel();
				return null;
			}
			switch (admission) {
				case FRONT -> {
					return lane;
				}
				case QUEUED -> {
					this.io.armDeadline(lane, acquisition);
					return null;
				}
				case NOT_FRONT -> {
					acquisition.state().end(LockStatus.CANCELLED);
					return null;
				}
				case REJECTED -> {
					acquisition.announceResult();
					return null;
				}
				case RETIRED -> this.lanes.remove(laneKey, lane);
			}
		}
	}

	/**
	 * The requests of a multi-key request's keys: a run of keys of one backend group is its first
	 * key's request and, when that is the front of its lane, the requests of the keys after it
	 * that are the fronts of theirs, up to the first that is not.
	 */
	private final class MultiKeyParts implements MultiKeyLock.Parts {

		@Override
		public List<LockHandle> request(List<LockRequest> run) {
			Acquisition first = newAcquisition(run.get(0), AcquisitionTracker.NO_OP);
			KeyLane lane = join(first, true);
			List<LockHandle> requested = new ArrayList<>(run.size());
			requested.add(first);
			if (lane == null) {
				return requested;
			}
			List<Acquisition> companions = new ArrayList<>(run.size() - 1);
			for (LockRequest request : run.subList(1, run.size())) {
				Acquisition companion = newAcquisition(request, AcquisitionTracker.NO_OP);
				if (join(companion, false) == null) {
					break;
				}
				companions.add(companion);
			}
			requested.addAll(companions);
			attemptFirst(lane, first, companions);
			return requested;
		}

		@Override
		public int group(String key) {
			return QueuedLockManager.this.backend.acquireGroup(key);
		}

	}

	/**
	 * What handles ask of this manager, kept off its public API.
	 */
	private final class Handles implements HandleEngine {

		@Override
		public void unlock(Acquisition acquisition, Duration delay) {
			KeyLane lane = acquisition.lane();
			if (lane == null || lane.end(acquisition, LockStatus.CANCELLED, false)) {
				return;
			}
			boolean keepLease = !delay.isZero() && !delay.isNegative();
			LaneReleases.PendingRelease release = lane.releases().release(acquisition, keepLease);
			if (release == null) {
				return;
			}
			if (keepLease) {
				QueuedLockManager.this.io.keepUntil(lane, release.holder(), delay);
			}
			else {
				QueuedLockManager.this.io.release(lane, release.holder(), release.next(), true);
			}
		}

		@Override
		public void cancel(Acquisition acquisition) {
			unlock(acquisition, Duration.ZERO);
		}

		@Override
		public void withdraw(Acquisition acquisition) {
			KeyLane lane = acquisition.lane();
			if (lane != null) {
				lane.end(acquisition, LockStatus.CANCELLED, false);
			}
		}

		@Override
		public void runPendingAttempt(Acquisition acquisition) {
			KeyLane lane = acquisition.lane();
			if (lane != null && acquisition.takePendingAttempt()) {
				QueuedLockManager.this.io.attempt(lane, acquisition);
			}
		}

		@Override
		public boolean backendSuspended() {
			return QueuedLockManager.this.backendSuspended;
		}

		@Override
		public void notify(Runnable notification) {
			QueuedLockManager.this.threads.notify(notification);
		}

	}

	/**
	 * Applies the backend's connection changes to the handles that hold locks.
	 */
	private final class HeldLockEvents implements BackendEvents {

		@Override
		public void suspended() {
			QueuedLockManager.this.backendSuspended = true;
		}

		@Override
		public void resumed() {
			QueuedLockManager.this.backendSuspended = false;
		}

		@Override
		public void lost(String key, String owner, String reason) {
			for (String laneKey : KeyLane.laneKeys(key, owner)) {
				KeyLane lane = QueuedLockManager.this.lanes.get(laneKey);
				Acquisition holder = (lane != null) ? lane.releases().holder(owner) : null;
				if (lane != null && holder != null) {
					lane.releases().lose(holder, reason, null);
					return;
				}
			}
		}

	}

	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		for (KeyLane lane : List.copyOf(this.lanes.values())) {
			for (Acquisition member : lane.members()) {
				try {
					member.cancel();
				}
				catch (LockException ex) {
					logger.warn("Could not release lock '{}' on close; it expires within its ttl", member.key(), ex);
				}
			}
		}
		this.threads.close();
		this.backend.close();
	}

}
