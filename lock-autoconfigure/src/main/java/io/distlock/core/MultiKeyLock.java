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
import java.util.function.Function;

/**
 * A handle on every key of a set or none, built from one single-key request per key of a
 * {@link LockManager}. Keys are taken one at a time in their natural order, the same order in
 * every process, so two requests whose sets overlap never wait for each other in a cycle; each
 * key's wait is what is left of the request's one bound. A key that is not acquired ends the
 * request: the keys taken before it are released at once, so a request that does not succeed
 * holds none of its keys.
 */
final class MultiKeyLock implements LockHandle {

	private final LockManager manager;

	private final List<String> keys;

	private final Function<String, LockRequest> requestFor;

	private final long startedAt = System.nanoTime();

	private final long deadline;

	private final CompletableFuture<LockResult> result = new CompletableFuture<>();

	private final CompletableFuture<LockLostException> leaseLost = new CompletableFuture<>();

	/** The requests made so far, in key order; guarded by {@code this}. */
	private final List<LockHandle> parts = new ArrayList<>();

	/** Guarded by {@code this}: the request's outcome is decided (it may still be releasing). */
	private boolean decided;

	private MultiKeyLock(LockManager manager, List<String> keys, Function<String, LockRequest> requestFor,
			Duration waitTime) {
		this.manager = manager;
		this.keys = keys;
		this.requestFor = requestFor;
		this.deadline = this.startedAt + waitTime.toNanos();
	}

	/**
	 * Requests every key of {@code keys} from {@code manager}.
	 * @param requestFor the request of one key; its wait bound is the whole request's
	 * @throws IllegalArgumentException if {@code keys} is empty or holds a null or an invalid key
	 */
	static LockHandle start(LockManager manager, Collection<String> keys, Function<String, LockRequest> requestFor) {
		if (keys == null || keys.isEmpty()) {
			throw new IllegalArgumentException("A multi-key lock needs at least one key, got " + keys);
		}
		TreeSet<String> ordered = new TreeSet<>();
		Duration waitTime = Duration.ZERO;
		for (String key : keys) {
			if (key == null) {
				throw new IllegalArgumentException("A multi-key lock's keys must not be null, got " + keys);
			}
			waitTime = requestFor.apply(key).waitTime();
			ordered.add(key);
		}
		MultiKeyLock lock = new MultiKeyLock(manager, List.copyOf(ordered), requestFor, waitTime);
		lock.request(0);
		return lock;
	}

	private void request(int index) {
		Duration remaining = Duration.ofNanos(Math.max(0, this.deadline - System.nanoTime()));
		LockHandle part = this.manager.lock(this.requestFor.apply(this.keys.get(index)).withWaitTime(remaining));
		boolean wanted;
		synchronized (this) {
			wanted = !this.decided;
			if (wanted) {
				this.parts.add(part);
			}
		}
		if (!wanted) {
			part.cancel();
			return;
		}
		part.leaseLost().thenAccept(this.leaseLost::complete);
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
				decision = LockResult.acquired(this.parts.get(0).fencingToken(), waited());
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
		this.result.complete(decision);
	}

	private Duration waited() {
		return Duration.ofNanos(System.nanoTime() - this.startedAt);
	}

	private void releaseParts() {
		List<LockHandle> taken;
		synchronized (this) {
			taken = new ArrayList<>(this.parts);
		}
		Collections.reverse(taken);
		RuntimeException failure = null;
		for (LockHandle part : taken) {
			try {
				part.unlock();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
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
			this.result.complete(cancelled);
		}
	}

	@Override
	public CompletableFuture<LockResult> result() {
		return this.result;
	}

	@Override
	public boolean isHeld() {
		LockResult outcome = this.result.getNow(null);
		if (outcome == null || !outcome.acquired() || this.leaseLost.isDone()) {
			return false;
		}
		synchronized (this) {
			return this.parts.stream().allMatch(LockHandle::isHeld);
		}
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
				tokens.put(this.keys.get(i), (acquired) ? this.parts.get(i).fencingToken() : -1L);
			}
		}
		return Collections.unmodifiableMap(tokens);
	}

	@Override
	public void unlock() {
		withdraw();
		releaseParts();
	}

	@Override
	public void unlockAfter(Duration delay) {
		withdraw();
		List<LockHandle> taken;
		synchronized (this) {
			taken = new ArrayList<>(this.parts);
		}
		for (LockHandle part : taken) {
			part.unlockAfter(delay);
		}
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
