package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
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
 * A handle on every key of a set or none, built from single-key requests. Keys are taken in one
 * order, the same in every process (by {@link Parts#group group}, then natural order), so two
 * requests whose sets overlap never wait for each other in a cycle; each key's wait is what is
 * left of the request's one bound. Consecutive keys of one group are requested as one run, which
 * the engine may take in one backend call; a key of a run that was not tried is asked for again
 * in its turn. A key that is not acquired ends the request: the keys taken before it are released
 * at once, so a request that does not succeed holds none of its keys. Listeners see it as one
 * request ({@link LockListener#requested(LockRequest, int)}).
 */
final class MultiKeyLock implements LockHandle {

	/** The key of a request that only stands for how each key of a set is taken. */
	static final String ANY_KEY = "*";

	private static final Logger logger = LoggerFactory.getLogger(MultiKeyLock.class);

	/** The most keys one run asks for, which bounds the work of one backend call. */
	private static final int MAX_RUN = 64;

	private final Parts parts;

	private final List<String> keys;

	private final Function<String, LockRequest> requestFor;

	private final long startedAt = System.nanoTime();

	private final long deadline;

	private final CompletableFuture<LockResult> result = new CompletableFuture<>();

	private final CompletableFuture<LockLostException> leaseLost = new CompletableFuture<>();

	private final AcquisitionTracker tracker;

	private final AtomicBoolean lostReported = new AtomicBoolean();

	private final AtomicBoolean releasedReported = new AtomicBoolean();

	/** Each key's latest request, by the key's position; guarded by {@code this}. */
	private final LockHandle[] taken;

	/** Guarded by {@code this}: the request's outcome is decided (it may still be releasing). */
	private boolean decided;

	private MultiKeyLock(Parts parts, List<String> keys, Function<String, LockRequest> requestFor,
			LockListener listener) {
		this.parts = parts;
		this.keys = keys;
		this.taken = new LockHandle[keys.size()];
		this.requestFor = requestFor;
		LockRequest first = requestFor.apply(keys.get(0));
		this.deadline = this.startedAt + first.waitTime().toNanos();
		this.tracker = listener.requested(first, keys.size());
	}

	/**
	 * Requests every key of {@code keys}.
	 * @param parts makes the requests of the keys
	 * @param requestFor the request of one key; its wait bound is the whole request's
	 * @param listener told of the request as one
	 * @throws IllegalArgumentException if {@code keys} is empty or holds a null or an invalid key
	 */
	static LockHandle start(Parts parts, Collection<String> keys, Function<String, LockRequest> requestFor,
			LockListener listener) {
		if (keys == null || keys.isEmpty()) {
			throw new IllegalArgumentException("A multi-key lock needs at least one key, got " + keys);
		}
		TreeSet<String> ordered = new TreeSet<>(
				Comparator.comparingInt(parts::group).thenComparing(Comparator.naturalOrder()));
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

	/** Requests the run of keys that starts at {@code index}. */
	private void request(int index) {
		Duration remaining = Duration.ofNanos(Math.max(0, this.deadline - System.nanoTime()));
		List<LockRequest> run = new ArrayList<>();
		int group = this.parts.group(this.keys.get(index));
		for (int i = index; i < this.keys.size() && run.size() < MAX_RUN
				&& (i == index || (group >= 0 && this.parts.group(this.keys.get(i)) == group)); i++) {
			run.add(this.requestFor.apply(this.keys.get(i)).withWaitTime(remaining));
		}
		List<LockHandle> requested = this.parts.request(run);
		boolean wanted;
		synchronized (this) {
			wanted = !this.decided;
			if (wanted) {
				for (int i = 0; i < requested.size(); i++) {
					this.taken[index + i] = requested.get(i);
				}
			}
		}
		if (!wanted) {
			requested.forEach(LockHandle::cancel);
			return;
		}
		requested.forEach((part) -> part.leaseLost().thenAccept(this::lost));
		follow(index, requested, 0);
	}

	private void follow(int index, List<LockHandle> run, int position) {
		run.get(position).result().thenAccept((outcome) -> answered(index, run, position, outcome));
	}

	private void answered(int index, List<LockHandle> run, int position, LockResult outcome) {
		int key = index + position;
		boolean last = key == this.keys.size() - 1;
		LockResult decision = null;
		synchronized (this) {
			if (this.decided) {
				return;
			}
			// A later key of a run that the engine did not try is asked for again, not a failure.
			boolean notTried = !outcome.acquired() && position > 0 && outcome.status() == LockStatus.CANCELLED;
			if (!outcome.acquired() && !notTried) {
				decision = new LockResult(outcome.status(), -1, waited(), outcome.failure());
			}
			else if (outcome.acquired() && last) {
				LockLostException lost = this.leaseLost.getNow(null);
				// A key taken first may have lost its lease while a later one was awaited.
				decision = (lost != null) ? LockResult.failed(lost, waited())
						: LockResult.acquired(this.taken[0].fencingToken(), waited());
			}
			this.decided = decision != null;
		}
		if (decision == null) {
			if (outcome.acquired() && position + 1 < run.size()) {
				follow(index, run, position + 1);
			}
			else {
				request(outcome.acquired() ? key + 1 : key);
			}
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
			contended = Arrays.stream(this.taken).anyMatch((part) -> part instanceof Acquisition acquisition
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
				tokens.put(this.keys.get(i), (acquired) ? this.taken[i].fencingToken() : -1L);
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
		List<LockHandle> requested = new ArrayList<>(this.taken.length);
		for (LockHandle part : this.taken) {
			if (part != null) {
				requested.add(part);
			}
		}
		return requested;
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

	/**
	 * How the keys of a multi-key request are requested.
	 */
	interface Parts {

		/**
		 * Requests consecutive keys of one group, in order.
		 * @param run the keys' requests, at least one
		 * @return the requests made, in order: the first, then those of the others the engine may
		 * take with it; a later one it did not try ends {@link LockStatus#CANCELLED}
		 */
		List<LockHandle> request(List<LockRequest> run);

		/**
		 * The group of {@code key}: keys of one non-negative group may be taken together; the same in
		 * every process, since the keys are taken in order of group first.
		 * @param key the key
		 * @return its group, or {@code -1} when it is taken alone
		 */
		int group(String key);

		/**
		 * Every key on its own, requested through {@code lock}.
		 * @param lock makes the request of one key
		 * @return the parts
		 */
		static Parts oneByOne(Function<LockRequest, LockHandle> lock) {
			return new Parts() {

				@Override
				public List<LockHandle> request(List<LockRequest> run) {
					return List.of(lock.apply(run.get(0)));
				}

				@Override
				public int group(String key) {
					return -1;
				}

			};
		}

	}

}
