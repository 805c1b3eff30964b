package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distlock.core.LockListener.AcquisitionTracker;

/**
 * A handle on every key of a set or none, built from one single-key request per key. Keys are taken one at a time in their natural order, the same order in
 * every process, so two requests whose sets overlap never wait for each other in a cycle; each
 * key's wait is what is left of the request's one bound. A key that is not acquired ends the
 * request: the keys taken before it are released at once, so a request that does not succeed
 * holds none of its keys. Listeners see it as one request ({@link LockListener#requested(LockRequest,
 * int)}).
 */
final class MultiKeyLock implements LockHandle {

	/** The key of a request that only stands for how each key of a set is taken. */
	static final String ANY_KEY = "*";

	private static final Logger logger = LoggerFactory.getLogger(MultiKeyLock.class);

	private final Function<LockRequest, LockHandle> parts;

	private final List<String> keys;

	private final Function<String, LockRequest> requestFor;

	private final long startedAt = System.nanoTime();

	private final long deadline;

	private final CompletableFuture<LockResult> result = new CompletableFuture<>();

	private final CompletableFuture<LockLostException> leaseLost = new CompletableFuture<>();

	private final AcquisitionTracker tracker;

	private final AtomicBoolean lostReported = new AtomicBoolean();

	private final AtomicBoolean releasedReported = new AtomicBoolean();

	/** The requests made so far, in key order; guarded by {@code this}. */
	private final List<LockHandle> taken = new ArrayList<>();

	/** Guarded by {@code this}: the request's outcome is decided (it may still be releasing). */
	private boolean decided;

	private MultiKeyLock(Function<LockRequest, LockHandle> parts, List<String> keys,
			Function<String, LockRequest> requestFor, LockListener listener) {
		this.parts = parts;
		this.keys = keys;
		this.requestFor = requestFor;
		LockRequest first = requestFor.apply(keys.get(0));
		this.deadline = this.startedAt + first.waitTime().toNanos();
		this.tracker = listener.requested(first, keys.size());
	}

	/**
	 * Requests every key of {@code keys}.
	 * @param parts makes the request of one key
	 * @param requestFor the request of one key; its wait bound is the whole request's
	 * @param listener told of the request as one
	 * @throws IllegalArgumentException if {@code keys} is empty or holds a null or an invalid key
	 */
	static LockHandle start(Function<LockRequest, LockHandle> parts, Collection<String> keys,
			Function<String, LockRequest> requestFor, LockListener listener) {
		if (keys == null || keys.isEmpty()) {
			throw new IllegalArgumentException("A multi-key lock needs at least one key, got " + keys);
		}
		TreeSet<String> ordered = new TreeSet<>();
		for (String key : keys) {
			if (key == null) {
				throw new IllegalArgumentException("A multi-key lock's keys must not be null, got " + keys);
			}
			requestFor.apply(key);
			ordered.add(key);
		}
		MultiKeyLock lock = new MultiKeyLock(parts, List.copyOf(ordered), requestFor, listener);
		lock.request(0);
		return lock;
	}

	private void request(int index) {
		Duration remaining = Duration.ofNanos(Math.max(0, this.deadline - System.nanoTime()));
		LockHandle part = this.parts.apply(this.requestFor.apply(this.keys.get(index)).withWaitTime(remaining));
		boolean wanted;
		synchronized (this) {
			wanted = !this.decided;
			if (wanted) {
				this.taken.add(part);
			}
		}
		if (!wanted) {
			part.cancel();
			return;
		}
		part.leaseLost().thenAccept(this::lost);
		part.result().thenAccept((outcome) -> answered(index, outcome));
	}

	private void answered(int index, LockResult outcome) {
		boolean last = index == this.keys.size() - 1;
		LockResult decision = null;
		synchronized (this) {
			if (this.decided) {
				return;
			}
			if (!outcome.acquired()) {
				decision = new LockResult(outcome.status(), -1, waited(), outcome.failure());
			}
			else if (last) {
				LockLostException lost = this.leaseLost.getNow(null);
				// A key taken first may have lost its lease while a later one was awaited.
				decision = (lost != null) ? LockResult.failed(lost, waited())
						: LockResult.acquired(this.taken.get(0).fencingToken(), waited());
			}
			this.decided = decision != null;
		}
		if (decision == null) {
			request(index + 1);
			return;
		}
		if (!decision.acquired()) {
			releaseParts();
		}
		decided(decision);
	}

	private void decided(LockResult decision) {
		boolean contended;
		synchronized (this) {
			contended = this.taken.stream().anyMatch((part) -> part instanceof Acquisition acquisition
					&& acquisition.state().contended());
		}
		notifyTracker((tracker) -> tracker.completed(decision, contended));
		this.result.complete(decision);
	}

	private void lost(LockLostException lost) {
		if (this.leaseLost.complete(lost) && isAcquired() && this.lostReported.compareAndSet(false, true)) {
			notifyTracker(AcquisitionTracker::lost);
		}
	}

	private boolean isAcquired() {
		LockResult outcome = this.result.getNow(null);
		return outcome != null && outcome.acquired();
	}

	private void notifyTracker(Consumer<AcquisitionTracker> event) {
		try {
			event.accept(this.tracker);
		}
		catch (RuntimeException ex) {
			logger.warn("Lock listener failed for locks {}", this.keys, ex);
		}
	}

	private Duration waited() {
		return Duration.ofNanos(System.nanoTime() - this.startedAt);
	}

	private void releaseParts() {
		List<LockHandle> parts = takenSoFar();
		Collections.reverse(parts);
		Effects releases = new Effects();
		parts.forEach((part) -> releases.add(part::unlock));
		releases.run();
	}

	/** The first key in order: the one {@link #fencingToken()} belongs to. */
	@Override
	public String key() {
		return this.keys.get(0);
	}

	/**
	 * Blocks until every key is held or the request ended. Interrupting the waiting thread
	 * withdraws a request not yet decided (it ends {@link LockStatus#CANCELLED}, holding none of
	 * its keys); one that holds every key keeps them, with the interrupt flag set again.
	 */
	@Override
	public LockResult await() {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return this.result.get();
				}
				catch (InterruptedException ex) {
					interrupted = true;
					withdraw();
				}
			}
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("A lock result never completes exceptionally", ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void withdraw() {
		LockResult cancelled = null;
		synchronized (this) {
			if (!this.decided) {
				this.decided = true;
				cancelled = LockResult.notAcquired(LockStatus.CANCELLED, waited());
			}
		}
		if (cancelled != null) {
			releaseParts();
			decided(cancelled);
		}
	}

	@Override
	public CompletableFuture<LockResult> result() {
		return this.result;
	}

	@Override
	public boolean isHeld() {
		return isAcquired() && !this.leaseLost.isDone() && takenSoFar().stream().allMatch(LockHandle::isHeld);
	}

	@Override
	public CompletableFuture<LockLostException> leaseLost() {
		return this.leaseLost;
	}

	@Override
	public void assertHeld() {
		if (isHeld()) {
			return;
		}
		LockLostException lost = this.leaseLost.getNow(null);
		throw (lost != null) ? lost
				: new LockLostException("Locks " + this.keys + " are not held: " + this.result.getNow(null));
	}

	@Override
	public long fencingToken() {
		LockResult outcome = this.result.getNow(null);
		return (outcome != null) ? outcome.fencingToken() : -1;
	}

	/** Each key's own token, in key order; {@code -1} for a key not acquired. */
	@Override
	public Map<String, Long> fencingTokens() {
		Map<String, Long> tokens = new LinkedHashMap<>();
		boolean acquired = fencingToken() > 0;
		synchronized (this) {
			for (int i = 0; i < this.keys.size(); i++) {
				tokens.put(this.keys.get(i), (acquired) ? this.taken.get(i).fencingToken() : -1L);
			}
		}
		return Collections.unmodifiableMap(tokens);
	}

	@Override
	public void unlock() {
		withdraw();
		try {
			releaseParts();
		}
		finally {
			endHold();
		}
	}

	@Override
	public void unlockAfter(Duration delay) {
		withdraw();
		try {
			for (LockHandle part : takenSoFar()) {
				part.unlockAfter(delay);
			}
		}
		finally {
			endHold();
		}
	}

	private void endHold() {
		if (isAcquired() && this.releasedReported.compareAndSet(false, true)) {
			notifyTracker(AcquisitionTracker::released);
		}
	}

	private synchronized List<LockHandle> takenSoFar() {
		return new ArrayList<>(this.taken);
	}

	@Override
	public void cancel() {
		unlock();
	}

	@Override
	public void close() {
		unlock();
	}

	@Override
	public String toString() {
		return "MultiKeyLock" + this.keys + " " + this.result.getNow(null);
	}

}
