package io.distlock.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import io.distlock.core.spi.AcquireOutcome;
import io.distlock.core.spi.BackendEvents;
import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.ReleaseOutcome;
import io.distlock.core.spi.ReleaseWatch;
import io.distlock.core.spi.RenewalOutcome;

/**
 * A {@link LockBackend} in memory that keeps the SPI's contract (one mutex owner per key, or
 * shares or permits each with an owner, a token and an expiry of their own; fencing tokens
 * strictly increasing per key across every kind and never reused; leases that end at their
 * expiry) and lets a test drive the interleavings: {@link #pauseNext(Operation) gates} hold a
 * call in flight, {@link #failNext(Operation, RuntimeException) injected failures} make it throw,
 * with or without its effect, and a call log and views of the held keys show what the machinery
 * did.
 * <p>
 * A busy mutex attempt that may still wait records that its owner waits, for the shorter of its
 * remaining wait and its ttl, until it is granted or its key {@link #abandon abandoned}; meanwhile
 * no new share of the key is granted, so a stream of shares cannot starve it.
 * <p>
 * Leases expire by a clock: the default one stands still until {@link #advance(Duration)} moves
 * it, so no lease ends by itself however slow the machine, and the engine's own deadlines (on
 * {@link System#nanoTime()}) are the only timers running. Thread-safe; every wait a test starts
 * here is bounded.
 */
public final class InMemoryLockBackend implements LockBackend {

	/** How long {@link Gate#awaitArrival()} and the {@code await} methods wait at most. */
	public static final Duration TEST_TIMEOUT = Duration.ofSeconds(10);

	/** How long a call stays paused at most before it gives up on its gate and fails. */
	private static final Duration GATE_LIMIT = Duration.ofSeconds(60);

	private final Object monitor = new Object();

	private final LongSupplier clock;

	private final @Nullable ManualClock manualClock;

	/** The mutex held per key. */
	private final Map<String, Lease> leases = new HashMap<>();

	/** The shares or permits held per key, present while at least one is. */
	private final Map<String, Holders> holders = new HashMap<>();

	/** Per key, until when each owner of a busy mutex attempt waits, by the clock. */
	private final Map<String, Map<String, Long>> writerWaits = new HashMap<>();

	/** The last token given out per key: kept after release and expiry, so tokens never repeat. */
	private final Map<String, Long> lastTokens = new HashMap<>();

	/** The owners an operator last evicted per key, whose renewals answer {@code EVICTED}. */
	private final Map<String, Set<String>> evictedOwners = new HashMap<>();

	private final List<Watch> watches = new ArrayList<>();

	private final List<Call> calls = new ArrayList<>();

	private final Map<Operation, Integer> completed = new EnumMap<>(Operation.class);

	private final Map<Operation, Deque<Gate>> gates = new EnumMap<>(Operation.class);

	private final List<Gate> allGates = new ArrayList<>();

	private final Map<Operation, Deque<Fault>> faults = new EnumMap<>(Operation.class);

	private final Map<Operation, RuntimeException> standingFailures = new EnumMap<>(Operation.class);

	private volatile boolean inMemoryHandOffs;

	private volatile boolean acceptHandOffs = true;

	private volatile boolean closed;

	private volatile @Nullable BackendEvents events;

	/**
	 * Creates a backend whose clock stands still until {@link #advance(Duration)} moves it.
	 */
	public InMemoryLockBackend() {
		ManualClock manual = new ManualClock();
		this.clock = manual;
		this.manualClock = manual;
	}

	/**
	 * Creates a backend whose leases expire by {@code clock}, such as {@code System::nanoTime};
	 * an expiry is noticed by the next call or view of its key.
	 * @param clock nanoseconds, only differences count
	 */
	public InMemoryLockBackend(LongSupplier clock) {
		this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
		this.manualClock = null;
	}


	/**
	 * Sets whether the machinery may hand leases on in memory ({@link #handsOffInMemory()}); read
	 * by the engine when it is made, so set it before. Off by default, so every hand-off shows up
	 * here as a call.
	 * @param allowed whether to allow it
	 * @return this backend
	 */
	public InMemoryLockBackend allowInMemoryHandOffs(boolean allowed) {
		this.inMemoryHandOffs = allowed;
		return this;
	}

	/**
	 * Sets whether a release given a {@link HandOff} hands the lock to it, as a backend may when
	 * no other process waits; when declined the lock is freed and the release answers
	 * {@link ReleaseOutcome#RELEASED}. Accepted by default.
	 * @param accept whether to accept hand-offs
	 * @return this backend
	 */
	public InMemoryLockBackend acceptHandOffs(boolean accept) {
		this.acceptHandOffs = accept;
		return this;
	}


	/**
	 * Pauses the next call of {@code operation} once it has taken effect (and notified watchers),
	 * before it returns: its reply is in flight until the gate opens. Gates armed for the same
	 * operation pause its calls in turn.
	 * @param operation the operation to pause
	 * @return the gate, to wait for the call and to open
	 */
	public Gate pauseNext(Operation operation) {
		Gate gate = new Gate(operation);
		synchronized (this.monitor) {
			this.gates.computeIfAbsent(operation, (op) -> new ArrayDeque<>()).add(gate);
			this.allGates.add(gate);
		}
		return gate;
	}

	/**
	 * Makes the next call of {@code operation} throw {@code failure} without taking effect, like
	 * a request that never reached the store.
	 * @param operation the operation to fail
	 * @param failure what it throws
	 */
	public void failNext(Operation operation, RuntimeException failure) {
		addFault(operation, new Fault(failure, false));
	}

	/**
	 * Makes the next call of {@code operation} take effect and then throw {@code failure}, like a
	 * reply lost on the way back: for {@link Operation#ACQUIRE}, an attempt whose outcome the
	 * caller cannot know although it holds the lock.
	 * @param operation the operation to fail
	 * @param failure what it throws
	 */
	public void failNextAfterApplying(Operation operation, RuntimeException failure) {
		addFault(operation, new Fault(failure, true));
	}

	/**
	 * Makes every call of {@code operation} throw {@code failure} without effect until
	 * {@link #stopFailing(Operation)}, like a store that cannot be reached; one-off failures armed
	 * with {@link #failNext} come first.
	 * @param operation the operation to fail
	 * @param failure what it throws
	 */
	public void failEvery(Operation operation, RuntimeException failure) {
		Objects.requireNonNull(failure, "'failure' must not be null");
		synchronized (this.monitor) {
			this.standingFailures.put(operation, failure);
		}
	}

	/**
	 * Ends {@link #failEvery(Operation, RuntimeException)}.
	 * @param operation the operation to let succeed again
	 */
	public void stopFailing(Operation operation) {
		synchronized (this.monitor) {
			this.standingFailures.remove(operation);
		}
	}

	private void addFault(Operation operation, Fault fault) {
		synchronized (this.monitor) {
			this.faults.computeIfAbsent(operation, (op) -> new ArrayDeque<>()).add(fault);
		}
	}

	/**
	 * Moves the clock on, ending every lease it passes (watchers are notified as for a release).
	 * @param duration how far
	 * @throws IllegalStateException if this backend runs on a clock given to it
	 */
	public void advance(Duration duration) {
		ManualClock manual = this.manualClock;
		if (manual == null) {
			throw new IllegalStateException("This backend runs on a clock it was given; it cannot move it");
		}
		List<Runnable> notifications = new ArrayList<>();
		synchronized (this.monitor) {
			manual.advance(duration);
			Set<String> keys = new TreeSet<>(this.leases.keySet());
			keys.addAll(this.holders.keySet());
			for (String key : keys) {
				expireIfDue(key, notifications);
			}
			this.monitor.notifyAll();
		}
		notifications.forEach(Runnable::run);
	}

	/**
	 * Ends the leases on {@code key} now, as if their ttl had passed: the mutex's, or every share's
	 * or permit's. Their owners' renewals are refused from then on.
	 * @param key the lock key
	 * @return whether a lease was ended
	 */
	public boolean expire(String key) {
		List<Runnable> notifications = new ArrayList<>();
		boolean ended;
		synchronized (this.monitor) {
			expireIfDue(key, notifications);
			Lease lease = this.leases.get(key);
			Holders held = this.holders.get(key);
			ended = lease != null || held != null;
			if (lease != null) {
				endLease(key, lease, true, notifications);
			}
			if (held != null) {
				endHolders(key, held, (ending) -> true, notifications);
			}
			this.monitor.notifyAll();
		}
		notifications.forEach(Runnable::run);
		return ended;
	}


	/**
	 * The owner holding {@code key} now as a mutex.
	 * @param key the lock key
	 * @return the owner token, or {@code null} when no mutex holds it
	 */
	public @Nullable String holder(String key) {
		synchronized (this.monitor) {
			Lease lease = liveLease(key);
			return (lease != null) ? lease.owner() : null;
		}
	}

	/**
	 * Whether anyone holds {@code key} now, as a mutex, a share or a permit.
	 * @param key the lock key
	 * @return {@code true} if held
	 */
	public boolean isHeld(String key) {
		synchronized (this.monitor) {
			return heldNow(key);
		}
	}

	/**
	 * The fencing token of the mutex holder of {@code key}.
	 * @param key the lock key
	 * @return the token, or {@code -1} when no mutex holds it
	 */
	public long fencingToken(String key) {
		synchronized (this.monitor) {
			Lease lease = liveLease(key);
			return (lease != null) ? lease.token() : -1;
		}
	}

	/**
	 * The keys held now; empty once every lock is released or expired.
	 * @return the keys, sorted
	 */
	public Set<String> keys() {
		synchronized (this.monitor) {
			Set<String> keys = new TreeSet<>(this.leases.keySet());
			keys.addAll(this.holders.keySet());
			keys.removeIf((key) -> !heldNow(key));
			return keys;
		}
	}

	/**
	 * The keys a busy mutex attempt still waits for now; empty once each was granted, abandoned
	 * or waited its time.
	 * @return the keys, sorted
	 */
	public Set<String> waitedKeys() {
		synchronized (this.monitor) {
			Set<String> keys = new TreeSet<>(this.writerWaits.keySet());
			keys.removeIf((key) -> writerWaitEnd(key) == null);
			return keys;
		}
	}

	/**
	 * How many watches are open; zero once the machinery waits for nothing.
	 * @return the count
	 */
	public int openWatches() {
		synchronized (this.monitor) {
			return this.watches.size();
		}
	}

	/**
	 * Every call so far, in the order they arrived.
	 * @return a copy of the log
	 */
	public List<Call> calls() {
		synchronized (this.monitor) {
			return List.copyOf(this.calls);
		}
	}

	/**
	 * How many calls of {@code operation} arrived so far.
	 * @param operation the operation
	 * @return the count
	 */
	public int calls(Operation operation) {
		synchronized (this.monitor) {
			return (int) this.calls.stream().filter((call) -> call.operation() == operation).count();
		}
	}

	/**
	 * The distinct owners that called {@link #tryAcquire} for {@code key}, in order of first call.
	 * @param key the lock key
	 * @return the owner tokens
	 */
	public List<String> contenders(String key) {
		synchronized (this.monitor) {
			return this.calls.stream()
				.filter((call) -> call.operation() == Operation.ACQUIRE && key.equals(call.key()))
				.map(Call::owner)
				.filter(Objects::nonNull)
				.distinct()
				.toList();
		}
	}

	/**
	 * Whether {@link #close()} was called.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * The events the machinery observes this backend with, so a test can report connection
	 * changes and lost locks as a session-based store would.
	 * @return the events
	 * @throws IllegalStateException if {@link #observe(BackendEvents)} was not called
	 */
	public BackendEvents events() {
		BackendEvents observed = this.events;
		if (observed == null) {
			throw new IllegalStateException("observe() was not called");
		}
		return observed;
	}

	/**
	 * Waits until {@code count} calls of {@code operation} have returned or thrown.
	 * @param operation the operation
	 * @param count how many
	 * @throws AssertionError if they do not within {@link #TEST_TIMEOUT}
	 */
	public void awaitCompleted(Operation operation, int count) {
		awaitState(count + " completed " + operation + " calls",
				() -> this.completed.getOrDefault(operation, 0) >= count);
	}

	/**
	 * Waits until no one holds {@code key}.
	 * @param key the lock key
	 * @throws AssertionError if it is still held after {@link #TEST_TIMEOUT}
	 */
	public void awaitFree(String key) {
		awaitState("lock '" + key + "' free", () -> !heldNow(key));
	}

	/**
	 * Waits until someone holds {@code key}.
	 * @param key the lock key
	 * @throws AssertionError if it is still free after {@link #TEST_TIMEOUT}
	 */
	public void awaitHeld(String key) {
		awaitState("lock '" + key + "' held", () -> heldNow(key));
	}

	/**
	 * Waits for a condition on this backend's state, re-checked on every change of it.
	 */
	private void awaitState(String description, BooleanSupplier condition) {
		long deadline = System.nanoTime() + TEST_TIMEOUT.toNanos();
		synchronized (this.monitor) {
			while (!condition.getAsBoolean()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					throw new AssertionError("Timed out after " + TEST_TIMEOUT + " waiting for " + description
							+ "; calls: " + this.calls);
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.monitor, remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted waiting for " + description, ex);
				}
			}
		}
	}

	@Override
	public AcquireOutcome tryAcquire(String key, String owner, Duration ttl, Duration waitRemaining) {
		return tryAcquire(new Attempt(key, owner, ttl, LockRequest.UNNAMED), waitRemaining);
	}

	/**
	 * Grants a mutex while no one else holds the key; a share while neither a mutex nor a permit
	 * holds it and no busy mutex attempt waits for it; a permit while neither a mutex nor a share
	 * holds it and fewer permits than the attempt's do. A busy mutex attempt that may wait records
	 * its wait. The hint of a busy attempt is when what stands in its way ends at the latest.
	 */
	@Override
	public AcquireOutcome tryAcquire(Attempt attempt, Duration waitRemaining) {
		requirePositive(attempt.ttl());
		String key = attempt.key();
		String owner = attempt.owner();
		return call(new Call(Operation.ACQUIRE, key, owner, null), (notifications) -> {
			expireIfDue(key, notifications);
			long now = this.clock.getAsLong();
			Lease held = leaseOf(key, owner);
			if (held != null) {
				extend(key, held, now + attempt.ttl().toNanos());
				return AcquireOutcome.acquired(held.token());
			}
			Long blockedUntil = blockedUntil(attempt);
			if (blockedUntil != null) {
				if (attempt.isMutex() && !waitRemaining.isZero()) {
					this.writerWaits.computeIfAbsent(key, (waited) -> new HashMap<>())
						.put(owner, now + Math.min(waitRemaining.toNanos(), attempt.ttl().toNanos()));
				}
				return AcquireOutcome.busy(Duration.ofNanos(Math.max(1, blockedUntil - now)));
			}
			if (!attempt.isMutex()) {
				return AcquireOutcome.acquired(grantHolder(attempt, now));
			}
			Map<String, Long> waits = this.writerWaits.get(key);
			if (waits != null && waits.remove(owner) != null && waits.isEmpty()) {
				this.writerWaits.remove(key);
			}
			return AcquireOutcome.acquired(grant(key, owner, attempt.ttl(), now));
		});
	}

	/**
	 * Until when, by the clock, what keeps {@code attempt} from the lock lasts at the latest: a
	 * mutex, the shares or permits in its way, or the waits of busy mutex attempts; {@code null}
	 * when nothing does.
	 */
	private @Nullable Long blockedUntil(Attempt attempt) {
		Lease mutex = this.leases.get(attempt.key());
		if (mutex != null) {
			return mutex.expiresAt();
		}
		Holders held = this.holders.get(attempt.key());
		if (attempt.mode() == LockMode.SHARED && (held == null || held.mode() == LockMode.SHARED)) {
			return writerWaitEnd(attempt.key());
		}
		if (held == null || (attempt.mode() == held.mode() && held.leases().size() < attempt.permits())) {
			return null;
		}
		return held.lastExpiry();
	}

	@Override
	public ReleaseOutcome release(String key, String owner, long fencingToken, @Nullable HandOff next) {
		if (next != null) {
			requirePositive(next.ttl());
		}
		return call(new Call(Operation.RELEASE, key, owner, (next != null) ? next.owner() : null), (notifications) -> {
			expireIfDue(key, notifications);
			Lease lease = leaseOf(key, owner);
			if (lease == null) {
				return ReleaseOutcome.NOT_OWNER;
			}
			// Tokens the machinery handed on in memory must stay below every later one.
			this.lastTokens.merge(key, fencingToken, Math::max);
			Holders held = this.holders.get(key);
			if (held != null && held.leases().containsValue(lease)) {
				endHolders(key, held, lease::equals, notifications);
				return ReleaseOutcome.RELEASED;
			}
			if (next != null && this.acceptHandOffs) {
				return ReleaseOutcome.handedOff(grant(key, next.owner(), next.ttl(), this.clock.getAsLong()));
			}
			endLease(key, lease, false, notifications);
			return ReleaseOutcome.RELEASED;
		});
	}

	/**
	 * Yes: shares and permits, each with a lease of its own.
	 */
	@Override
	public boolean supportsLockKinds() {
		return true;
	}

	@Override
	public boolean handsOffInMemory() {
		return this.inMemoryHandOffs;
	}

	/**
	 * Yes: a lease ends at its expiry by this backend's clock.
	 */
	@Override
	public boolean expiresLocks() {
		return true;
	}

	/**
	 * Forgets the waits of the busy mutex attempts at {@code key}: this store stands for every
	 * process, and each has at most one of them.
	 */
	@Override
	public void abandon(String key) {
		call(new Call(Operation.ABANDON, key, null, null), (notifications) -> this.writerWaits.remove(key));
	}

	@Override
	public boolean renew(String key, String owner, Duration ttl) {
		requirePositive(ttl);
		return call(new Call(Operation.RENEW, key, owner, null), (notifications) -> {
			expireIfDue(key, notifications);
			Lease lease = leaseOf(key, owner);
			if (lease == null) {
				return false;
			}
			extend(key, lease, this.clock.getAsLong() + ttl.toNanos());
			return true;
		});
	}

	/**
	 * Renews one by one, answering {@link RenewalOutcome#EVICTED} to the owners an operator
	 * evicted last.
	 */
	@Override
	public List<RenewalOutcome> renewAll(List<Renewal> renewals) {
		List<RenewalOutcome> outcomes = new ArrayList<>(renewals.size());
		for (Renewal renewal : renewals) {
			boolean renewed = renew(renewal.key(), renewal.owner(), renewal.ttl());
			boolean evicted;
			synchronized (this.monitor) {
				evicted = this.evictedOwners.getOrDefault(renewal.key(), Set.of()).contains(renewal.owner());
			}
			outcomes.add(renewed ? RenewalOutcome.RENEWED : evicted ? RenewalOutcome.EVICTED : RenewalOutcome.REFUSED);
		}
		return outcomes;
	}

	/**
	 * Ends a mutex's lease as an expiry would, so later tokens exceed those handed on in memory,
	 * or every share or permit, naming the latest one's owner; every owner evicted renews as
	 * {@link RenewalOutcome#EVICTED}.
	 */
	@Override
	public @Nullable ForcedRelease forceRelease(String key) {
		return call(new Call(Operation.FORCE_RELEASE, key, null, null), (notifications) -> {
			expireIfDue(key, notifications);
			long now = this.clock.getAsLong();
			Lease lease = this.leases.get(key);
			if (lease != null) {
				this.evictedOwners.put(key, Set.of(lease.owner()));
				endLease(key, lease, true, notifications);
				return new ForcedRelease(new HeldLock(key, null, null, lease.token(),
						Duration.ofNanos(lease.expiresAt() - now), HeldLock.EXCLUSIVE, 0), lease.owner());
			}
			Holders held = this.holders.get(key);
			if (held == null) {
				return null;
			}
			this.evictedOwners.put(key, Set.copyOf(held.leases().keySet()));
			Lease latest = held.latest();
			HeldLock evicted = new HeldLock(key, null, null, latest.token(), Duration.ofNanos(held.lastExpiry() - now),
					(held.mode() == LockMode.SHARED) ? HeldLock.SHARED : HeldLock.PERMITS, 0, held.leases().size());
			endHolders(key, held, (ended) -> true, notifications);
			return new ForcedRelease(evicted, latest.owner());
		});
	}

	/**
	 * Watches every release and expiry of {@code key}; ready at once.
	 */
	@Override
	public ReleaseWatch watch(String key, Runnable onRelease) {
		return call(new Call(Operation.WATCH, key, null, null), (notifications) -> {
			Watch watch = new Watch(key, onRelease);
			this.watches.add(watch);
			return watch;
		});
	}

	@Override
	public void check() {
		call(new Call(Operation.CHECK, null, null, null), (notifications) -> null);
	}

	@Override
	public void observe(BackendEvents events) {
		this.events = Objects.requireNonNull(events, "'events' must not be null");
	}

	/**
	 * Closes this backend: later calls fail, and every paused call goes on. Idempotent; the views
	 * stay readable.
	 */
	@Override
	public void close() {
		synchronized (this.monitor) {
			this.closed = true;
			this.monitor.notifyAll();
		}
		openGates();
	}

	/**
	 * Lets every paused call go on and disarms the gates no call has reached yet, so that no
	 * thread stays blocked here, also after a failed test.
	 */
	public void openGates() {
		List<Gate> armed;
		synchronized (this.monitor) {
			armed = List.copyOf(this.allGates);
			this.gates.clear();
		}
		armed.forEach(Gate::open);
	}

	/**
	 * Runs one call: logs it, applies its effect unless a fault says otherwise, notifies watchers,
	 * passes its gate and throws its fault.
	 */
	private <T> T call(Call call, Effect<T> effect) {
		Fault fault;
		Gate gate;
		T result = null;
		List<Runnable> notifications = new ArrayList<>();
		synchronized (this.monitor) {
			if (this.closed) {
				throw new IllegalStateException("The in-memory lock backend is closed");
			}
			this.calls.add(call);
			fault = takeFault(call.operation());
			gate = takeGate(call.operation());
			if (fault == null || fault.applied()) {
				result = effect.apply(notifications);
			}
			this.monitor.notifyAll();
		}
		try {
			notifications.forEach(Runnable::run);
			if (gate != null) {
				gate.pass(call);
			}
			if (fault != null) {
				throw fault.failure();
			}
			return result;
		}
		finally {
			synchronized (this.monitor) {
				this.completed.merge(call.operation(), 1, Integer::sum);
				this.monitor.notifyAll();
			}
		}
	}

	private @Nullable Fault takeFault(Operation operation) {
		Deque<Fault> armed = this.faults.get(operation);
		if (armed != null && !armed.isEmpty()) {
			return armed.poll();
		}
		RuntimeException standing = this.standingFailures.get(operation);
		return (standing != null) ? new Fault(standing, false) : null;
	}

	private @Nullable Gate takeGate(Operation operation) {
		Deque<Gate> armed = this.gates.get(operation);
		return (armed != null) ? armed.poll() : null;
	}

	private long grant(String key, String owner, Duration ttl, long now) {
		long token = nextToken(key);
		this.leases.put(key, new Lease(owner, token, now + ttl.toNanos()));
		return token;
	}

	private long grantHolder(Attempt attempt, long now) {
		long token = nextToken(attempt.key());
		this.holders.computeIfAbsent(attempt.key(), (key) -> new Holders(attempt.mode(), new HashMap<>()))
			.leases()
			.put(attempt.owner(), new Lease(attempt.owner(), token, now + attempt.ttl().toNanos()));
		return token;
	}

	private long nextToken(String key) {
		long token = this.lastTokens.getOrDefault(key, 0L) + 1;
		this.lastTokens.put(key, token);
		return token;
	}

	/**
	 * The lease {@code owner} holds on {@code key}, as a mutex, a share or a permit.
	 */
	private @Nullable Lease leaseOf(String key, String owner) {
		Lease mutex = this.leases.get(key);
		if (mutex != null && mutex.owner().equals(owner)) {
			return mutex;
		}
		Holders held = this.holders.get(key);
		return (held != null) ? held.leases().get(owner) : null;
	}

	/**
	 * Moves the expiry of a lease {@link #leaseOf} found.
	 */
	private void extend(String key, Lease lease, long expiresAt) {
		Lease extended = new Lease(lease.owner(), lease.token(), expiresAt);
		if (!this.leases.replace(key, lease, extended)) {
			Objects.requireNonNull(this.holders.get(key)).leases().put(lease.owner(), extended);
		}
	}

	private @Nullable Lease liveLease(String key) {
		Lease lease = this.leases.get(key);
		return (lease != null && live(lease)) ? lease : null;
	}

	private boolean heldNow(String key) {
		Holders held = this.holders.get(key);
		return liveLease(key) != null || (held != null && held.leases().values().stream().anyMatch(this::live));
	}

	private boolean live(Lease lease) {
		return !ended(lease);
	}

	private boolean ended(Lease lease) {
		return this.clock.getAsLong() - lease.expiresAt() >= 0;
	}

	/**
	 * When the last wait of a busy mutex attempt at {@code key} ends, forgetting those that ended.
	 * @return the clock time, or {@code null} when no such attempt waits
	 */
	private @Nullable Long writerWaitEnd(String key) {
		Map<String, Long> waits = this.writerWaits.get(key);
		if (waits == null) {
			return null;
		}
		long now = this.clock.getAsLong();
		waits.values().removeIf((end) -> now - end >= 0);
		if (waits.isEmpty()) {
			this.writerWaits.remove(key);
			return null;
		}
		return Collections.max(waits.values());
	}

	private void expireIfDue(String key, List<Runnable> notifications) {
		Lease lease = this.leases.get(key);
		if (lease != null && liveLease(key) == null) {
			endLease(key, lease, true, notifications);
		}
		Holders held = this.holders.get(key);
		if (held != null) {
			endHolders(key, held, this::ended, notifications);
		}
	}

	/**
	 * Ends the shares or permits of {@code held} that {@code ending} picks, telling the key's
	 * watchers when there were any.
	 */
	private void endHolders(String key, Holders held, Predicate<Lease> ending, List<Runnable> notifications) {
		if (held.leases().values().removeIf(ending)) {
			if (held.leases().isEmpty()) {
				this.holders.remove(key);
			}
			notifyWatchers(key, notifications);
		}
	}

	private void endLease(String key, Lease lease, boolean expired, List<Runnable> notifications) {
		this.leases.remove(key);
		if (expired && this.inMemoryHandOffs) {
			// The machinery may have handed an unreleased lease on in memory up to this many times.
			this.lastTokens.merge(key, lease.token() + LockSettings.MAX_LOCAL_HAND_OFFS, Math::max);
		}
		notifyWatchers(key, notifications);
	}

	private void notifyWatchers(String key, List<Runnable> notifications) {
		for (Watch watch : this.watches) {
			if (watch.key.equals(key)) {
				notifications.add(watch.onRelease);
			}
		}
	}

	private static void requirePositive(Duration ttl) {
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("ttl must be positive, got " + ttl);
		}
	}

	/**
	 * The backend calls, as logged, paused and failed.
	 */
	public enum Operation {

		/** {@link LockBackend#tryAcquire}. */
		ACQUIRE,

		/** {@link LockBackend#release}. */
		RELEASE,

		/** {@link LockBackend#renew}. */
		RENEW,

		/** {@link LockBackend#abandon}. */
		ABANDON,

		/** {@link LockBackend#watch}. */
		WATCH,

		/** {@link LockBackend#check}. */
		CHECK,

		/** {@link LockBackend#forceRelease}. */
		FORCE_RELEASE

	}

	/**
	 * One call as it arrived.
	 *
	 * @param operation the operation
	 * @param key the lock key, {@code null} for {@link Operation#CHECK}
	 * @param owner the owner token passed, {@code null} for operations without one
	 * @param handOff the owner of the hand-off passed to a release, {@code null} for none
	 */
	public record Call(Operation operation, @Nullable String key, @Nullable String owner, @Nullable String handOff) {
	}

	/**
	 * Holds one paused call in flight until the test opens it.
	 */
	public static final class Gate {

		private final Operation operation;

		private final CountDownLatch arrived = new CountDownLatch(1);

		private final CountDownLatch opened = new CountDownLatch(1);

		private volatile @Nullable Call call;

		private volatile @Nullable Thread caller;

		Gate(Operation operation) {
			this.operation = operation;
		}

		/**
		 * Waits until the paused call has arrived and taken effect.
		 * @return the call
		 * @throws AssertionError if it does not arrive within {@link #TEST_TIMEOUT}
		 */
		public Call awaitArrival() {
			try {
				if (!this.arrived.await(TEST_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
					throw new AssertionError("No " + this.operation + " call arrived within " + TEST_TIMEOUT);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting for a " + this.operation + " call", ex);
			}
			return Objects.requireNonNull(this.call);
		}

		/**
		 * Whether the paused call has arrived.
		 * @return {@code true} once it has
		 */
		public boolean hasArrived() {
			return this.arrived.getCount() == 0;
		}

		/**
		 * The thread making the paused call.
		 * @return the thread, or {@code null} before it arrived
		 */
		public @Nullable Thread caller() {
			return this.caller;
		}

		/**
		 * Lets the paused call return; idempotent.
		 */
		public void open() {
			this.opened.countDown();
		}

		/**
		 * Blocks the calling thread until the gate opens, ignoring interrupts as a socket read
		 * would (the flag is kept), and failing the call if the test never opens it.
		 */
		void pass(Call arriving) {
			this.call = arriving;
			this.caller = Thread.currentThread();
			this.arrived.countDown();
			boolean interrupted = false;
			long deadline = System.nanoTime() + GATE_LIMIT.toNanos();
			try {
				for (;;) {
					try {
						if (this.opened.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
							return;
						}
						throw new IllegalStateException("The gate of " + arriving + " was never opened");
					}
					catch (InterruptedException ex) {
						interrupted = true;
					}
				}
			}
			finally {
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

	private record Lease(String owner, long token, long expiresAt) {
	}

	/**
	 * The shares, or the permits, held on one key, by owner; never empty while kept.
	 */
	private record Holders(LockMode mode, Map<String, Lease> leases) {

		long lastExpiry() {
			return this.leases.values().stream().mapToLong(Lease::expiresAt).max().orElseThrow();
		}

		Lease latest() {
			return this.leases.values().stream().max(Comparator.comparingLong(Lease::token)).orElseThrow();
		}

	}

	private record Fault(RuntimeException failure, boolean applied) {
	}

	/**
	 * A call's effect on the state, run under the monitor; adds the watchers to notify.
	 */
	@FunctionalInterface
	private interface Effect<T> {

		T apply(List<Runnable> notifications);

	}

	/**
	 * A clock that moves only when told.
	 */
	private static final class ManualClock implements LongSupplier {

		private long nanos;

		@Override
		public synchronized long getAsLong() {
			return this.nanos;
		}

		synchronized void advance(Duration duration) {
			if (duration.isNegative()) {
				throw new IllegalArgumentException("A clock does not go back, got " + duration);
			}
			this.nanos += duration.toNanos();
		}

	}

	/**
	 * A watch on one key's releases.
	 */
	private final class Watch implements ReleaseWatch {

		final String key;

		final Runnable onRelease;

		Watch(String key, Runnable onRelease) {
			this.key = key;
			this.onRelease = onRelease;
		}

		@Override
		public CompletableFuture<Void> ready() {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public void close() {
			synchronized (InMemoryLockBackend.this.monitor) {
				InMemoryLockBackend.this.watches.remove(this);
				InMemoryLockBackend.this.monitor.notifyAll();
			}
		}

	}

}
