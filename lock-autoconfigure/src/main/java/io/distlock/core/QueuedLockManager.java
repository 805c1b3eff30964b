package io.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distlock.core.spi.AcquireOutcome;
import io.distlock.core.spi.BackendEvents;
import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.ReleaseOutcome;

/**
 * The backend-neutral {@link LockManager}: per key and process, requests queue locally in FIFO
 * order and only the front one contends in the backend; it is woken by the backend's release
 * notifications, with a jittered back-off retry as the bound when a notification is lost. A
 * released lock is handed straight to the next local waiter: in memory, with the next fencing
 * token, for a short window after each backend grant when the backend allows it, else in the
 * backend's release call when the backend sees no other process waiting. Every
 * wait ends by its bound; Redis calls run on the manager's own threads unless a caller chose to
 * block.
 *
 * @since 1.0.0
 */
public final class QueuedLockManager implements LockManager, LockIntrospector {

	private static final Logger logger = LoggerFactory.getLogger(QueuedLockManager.class);

	private final LockBackend backend;

	private final LockSettings settings;

	private final LockListener listener;

	private final OwnerTokens ownerTokens = new OwnerTokens();

	private final Backoff backoff;

	private final ConcurrentHashMap<String, KeyQueue> queues = new ConcurrentHashMap<>();

	private final ScheduledThreadPoolExecutor scheduler;

	private final ExecutorService workers;

	private final LeaseKeeper leases;

	private final boolean inMemoryHandOffs;

	private volatile boolean closed;

	private volatile boolean backendSuspended;

	/**
	 * Creates a manager over {@code backend}, which it closes when closed itself.
	 * @param backend the lock store
	 * @param settings how to wait
	 * @param listener what observes requests
	 */
	public QueuedLockManager(LockBackend backend, LockSettings settings, LockListener listener) {
		this.backend = Objects.requireNonNull(backend, "'backend' must not be null");
		this.settings = Objects.requireNonNull(settings, "'settings' must not be null");
		this.listener = Objects.requireNonNull(listener, "'listener' must not be null");
		this.backoff = new Backoff(settings.retryInitialInterval(), settings.retryMaxInterval());
		// Work handed over while closing is dropped: close() itself ends every request it finds,
		// and submit() ends those that arrive meanwhile.
		this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("distlock-timer"),
				new ThreadPoolExecutor.DiscardPolicy());
		this.scheduler.setRemoveOnCancelPolicy(true);
		// A standing tick keeps the head of the timer queue at most a second away, so scheduling a
		// later timer (every held lease's renewal, most wait deadlines) does not wake the timer thread.
		this.scheduler.scheduleAtFixedRate(() -> {
		}, 1, 1, TimeUnit.SECONDS);
		this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				daemonThreads("distlock-worker"), new ThreadPoolExecutor.DiscardPolicy());
		this.leases = new LeaseKeeper(backend, this.scheduler, this.workers, this::advanceAfterLoss);
		this.inMemoryHandOffs = backend.handsOffInMemory() && !settings.localHandOffWindow().isZero()
				&& settings.maxLocalHandOffs() > 0;
		backend.observe(new HeldLockEvents());
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	@Override
	public LockHandle lock(String key, Duration ttl) {
		return lock(LockRequest.of(key, ttl).withWaitTime(this.settings.defaultWaitTime()));
	}

	@Override
	public LockHandle lock(LockRequest request) {
		return submit(request, false);
	}

	@Override
	public LockHandle acquire(LockRequest request) {
		Acquisition acquisition = submit(request, true);
		KeyQueue queue = acquisition.queue();
		LockResult result = (queue != null) ? acquisition.awaitDriving(() -> attempt(queue, acquisition))
				: acquisition.await();
		if (result.acquired()) {
			return acquisition;
		}
		throw result.toException(request);
	}

	/**
	 * The number of keys this process has requests for now; zero once every lock is released.
	 * @return the number of local key queues
	 */
	public int activeKeys() {
		return this.queues.size();
	}

	@Override
	public List<LocalLockState> localLocks() {
		List<LocalLockState> states = new ArrayList<>(this.queues.size());
		for (KeyQueue queue : this.queues.values()) {
			LocalLockState state = queue.state();
			if (state != null) {
				states.add(state);
			}
		}
		return states;
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

	private Acquisition submit(LockRequest request, boolean inline) {
		Objects.requireNonNull(request, "'request' must not be null");
		Acquisition acquisition = new Acquisition(this, request, this.ownerTokens.next(),
				this.listener.requested(request));
		if (this.closed) {
			acquisition.end(LockStatus.CANCELLED);
			return acquisition;
		}
		for (;;) {
			KeyQueue queue = this.queues.computeIfAbsent(request.key(), KeyQueue::new);
			KeyQueue.Admission admission = queue.admit(acquisition, this.settings.maxWaitersPerKey());
			if (this.closed && admission != KeyQueue.Admission.RETIRED) {
				// close() may have looked at the queues before this request joined one.
				cancel(acquisition);
				return acquisition;
			}
			switch (admission) {
				case FRONT -> {
					if (inline) {
						attempt(queue, acquisition);
					}
					else {
						// A zero wait is its one attempt, which ends it: a deadline armed now would
						// race with that attempt and could end the request, giving back a lock it took.
						if (!request.waitTime().isZero()) {
							armDeadline(queue, acquisition);
						}
						this.workers.execute(() -> attempt(queue, acquisition));
					}
					return acquisition;
				}
				case QUEUED -> {
					acquisition.markContended();
					armDeadline(queue, acquisition);
					return acquisition;
				}
				case REJECTED -> {
					acquisition.markContended();
					acquisition.end(LockStatus.REJECTED);
					return acquisition;
				}
				case RETIRED -> this.queues.remove(request.key(), queue);
			}
		}
	}

	private void attempt(KeyQueue queue, Acquisition acquisition) {
		if (!beginAttempt(queue, acquisition)) {
			return;
		}
		LockRequest request = acquisition.request();
		long sentAt = System.nanoTime();
		AcquireOutcome outcome;
		try {
			Duration waitRemaining = Duration.ofNanos(Math.max(0, acquisition.deadline() - sentAt));
			outcome = this.backend.tryAcquire(request.key(), acquisition.owner(), request.ttl(), waitRemaining);
		}
		catch (RuntimeException ex) {
			unknownOutcome(queue, acquisition, ex);
			return;
		}
		if (!outcome.acquired()) {
			acquisition.recordAnswer();
			retryLater(queue, acquisition, outcome.retryAfter());
			return;
		}
		if (System.nanoTime() - sentAt >= request.ttl().toNanos()) {
			// The lease may have expired before its grant arrived, so no one may rely on it; the
			// next attempt, by the same owner, takes it again with a fresh lease if it is still there.
			unknownOutcome(queue, acquisition, new LockException("The grant of lock '" + request.key()
					+ "' arrived after its ttl of " + request.ttl() + " had passed"));
			return;
		}
		// Claimed before the attempt ends, so a time-out racing with it cannot move the queue on.
		boolean claimed = acquisition.claim(outcome.fencingToken(), sentAt);
		endAttempt(queue);
		if (claimed) {
			acquisition.announceGrant();
			this.leases.keep(acquisition);
		}
		else {
			giveBack(queue, acquisition);
		}
	}

	/**
	 * Handles an attempt that may or may not hold the lock now: the request keeps contending (an
	 * attempt by the same owner settles it), and gives the lock back if it ends meanwhile.
	 */
	private void unknownOutcome(KeyQueue queue, Acquisition acquisition, RuntimeException failure) {
		acquisition.recordFailure(failure);
		if (!acquisition.isWaiting()) {
			// It ended while the attempt was in flight, so no one else gives the lock back.
			this.workers.execute(() -> releaseUnknown(acquisition, 0));
		}
		retryLater(queue, acquisition, null);
	}

	private boolean beginAttempt(KeyQueue queue, Acquisition acquisition) {
		queue.lock.lock();
		try {
			if (queue.front != acquisition || !acquisition.isWaiting()) {
				return false;
			}
			if (queue.attemptInFlight) {
				queue.wakePending = true;
				return false;
			}
			queue.attemptInFlight = true;
			queue.wakePending = false;
			acquisition.markAttempted();
			queue.cancelRetry();
			return true;
		}
		finally {
			queue.lock.unlock();
		}
	}

	private void endAttempt(KeyQueue queue) {
		queue.lock.lock();
		try {
			queue.attemptInFlight = false;
			// Acquiring removed this process's waiter record, if it had one.
			queue.waiterRecorded = false;
		}
		finally {
			queue.lock.unlock();
		}
	}

	private void retryLater(KeyQueue queue, Acquisition acquisition, @Nullable Duration retryAfter) {
		Acquisition next = null;
		boolean again = false;
		boolean over = false;
		queue.lock.lock();
		try {
			queue.attemptInFlight = false;
			if (retryAfter != null) {
				queue.waiterRecorded = true;
				if (queue.retries == 0) {
					acquisition.markContended();
				}
			}
			queue.retries++;
			long remaining = acquisition.deadline() - System.nanoTime();
			if (!acquisition.isWaiting() || remaining <= 0) {
				over = true;
				next = queue.advance();
			}
			else if (queue.wakePending) {
				again = true;
			}
			else {
				long delay = Math.min(remaining, this.backoff.delayNanos(queue.retries - 1));
				if (retryAfter != null && !retryAfter.isZero()) {
					// A zero hint (a lease with no expiry) says nothing; the back-off decides.
					delay = Math.min(delay, retryAfter.toNanos());
				}
				queue.retryTimer = this.scheduler.schedule(() -> dispatch(queue, acquisition), delay,
						TimeUnit.NANOSECONDS);
				armDeadline(queue, acquisition);
				watch(queue);
			}
		}
		finally {
			queue.lock.unlock();
		}
		if (over) {
			finish(acquisition, LockStatus.TIMED_OUT);
		}
		retire(queue);
		if (again) {
			dispatch(queue, acquisition);
		}
		contend(queue, next);
	}

	private void watch(KeyQueue queue) {
		if (queue.watch == null) {
			queue.watch = this.backend.watch(queue.key, () -> wake(queue));
			queue.watch.ready().thenRun(() -> wake(queue));
		}
	}

	private void wake(KeyQueue queue) {
		Acquisition front = queue.front;
		if (front != null && front.isWaiting()) {
			dispatch(queue, front);
		}
	}

	/**
	 * Ends the request at its wait bound, also while an attempt is in flight: that attempt then
	 * finds the request ended, gives back any lock it took and moves the queue on.
	 */
	private void armDeadline(KeyQueue queue, Acquisition acquisition) {
		if (acquisition.deadlineArmed()) {
			return;
		}
		long wait = acquisition.deadline() - System.nanoTime();
		acquisition.armWaitDeadline(
				this.scheduler.schedule(() -> expire(queue, acquisition), wait, TimeUnit.NANOSECONDS));
	}

	private void expire(KeyQueue queue, Acquisition acquisition) {
		Acquisition next = null;
		boolean expired = false;
		queue.lock.lock();
		try {
			if (queue.waiting.remove(acquisition)) {
				expired = true;
			}
			else if (queue.front == acquisition && acquisition.isWaiting() && acquisition.attempted()) {
				// A request that has not been tried yet is ended by its first attempt instead.
				expired = true;
				if (!queue.attemptInFlight) {
					next = queue.advance();
				}
			}
		}
		finally {
			queue.lock.unlock();
		}
		if (expired) {
			finish(acquisition, LockStatus.TIMED_OUT);
		}
		retire(queue);
		contend(queue, next);
	}

	void cancel(Acquisition acquisition) {
		if (!acquisition.isWaiting()) {
			release(acquisition, Duration.ZERO);
			return;
		}
		KeyQueue queue = acquisition.queue();
		if (queue == null) {
			finish(acquisition, LockStatus.CANCELLED);
			return;
		}
		finish(acquisition, LockStatus.CANCELLED);
		Acquisition next = null;
		queue.lock.lock();
		try {
			if (!queue.waiting.remove(acquisition) && queue.front == acquisition && !queue.attemptInFlight) {
				next = queue.advance();
			}
		}
		finally {
			queue.lock.unlock();
		}
		retire(queue);
		contend(queue, next);
	}

	/**
	 * Ends a waiting acquisition; one whose attempt may have taken the lock unseen gives it back in
	 * the background.
	 */
	private void finish(Acquisition acquisition, LockStatus status) {
		if (acquisition.end(status) && acquisition.outcomeUnknown()) {
			this.workers.execute(() -> releaseUnknown(acquisition, 0));
		}
	}

	private void releaseUnknown(Acquisition acquisition, int retry) {
		LockRequest request = acquisition.request();
		try {
			this.backend.release(request.key(), acquisition.leaseOwner(), 0, null);
		}
		catch (RuntimeException ex) {
			long delay = this.backoff.delayNanos(retry);
			if (this.closed || Duration.ofNanos(delay * (retry + 1L)).compareTo(request.ttl()) > 0) {
				logger.debug("Gave up releasing lock '{}' after an attempt with unknown outcome; it expires "
						+ "within its ttl", request.key(), ex);
				return;
			}
			this.scheduler.schedule(() -> this.workers.execute(() -> releaseUnknown(acquisition, retry + 1)), delay,
					TimeUnit.NANOSECONDS);
		}
	}

	void release(Acquisition acquisition, Duration delay) {
		Acquisition.Phase before = acquisition.markReleased();
		if (before == null) {
			if (acquisition.isWaiting()) {
				cancel(acquisition);
			}
			return;
		}
		KeyQueue queue = Objects.requireNonNull(acquisition.queue());
		if (before == Acquisition.Phase.LOST) {
			return;
		}
		if (!delay.isZero() && !delay.isNegative()) {
			keepUntil(queue, acquisition, delay);
		}
		else {
			giveBack(queue, acquisition);
		}
	}

	private void keepUntil(KeyQueue queue, Acquisition acquisition, Duration delay) {
		RuntimeException failure = null;
		try {
			if (!this.backend.renew(acquisition.key(), acquisition.leaseOwner(), delay)) {
				acquisition.lostBeforeRelease();
			}
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		advanceFrom(queue, acquisition);
		if (failure != null) {
			throw new LockException("Could not keep lock '" + acquisition.key() + "' for " + delay
					+ "; it expires within its ttl", failure);
		}
	}

	/**
	 * Releases a lock {@code releasing} holds, handing it to the next live local waiter in memory
	 * or in the backend's release call when allowed. {@code releasing} stays at the front until
	 * then, so no other local request contends meanwhile.
	 */
	private void giveBack(KeyQueue queue, Acquisition releasing) {
		Acquisition owner = releasing;
		for (;;) {
			Acquisition next;
			queue.lock.lock();
			try {
				next = queue.pollLive();
			}
			finally {
				queue.lock.unlock();
			}
			if (next != null && owner == releasing && mayHandOffInMemory(releasing, next)) {
				if (handTo(queue, next, () -> next.claimFrom(releasing), false)) {
					return;
				}
				continue;
			}
			long sentAt = System.nanoTime();
			ReleaseOutcome outcome;
			try {
				outcome = this.backend.release(queue.key, owner.leaseOwner(), owner.token(),
						(next != null) ? new LockBackend.HandOff(next.owner(), next.request().ttl()) : null);
			}
			catch (RuntimeException ex) {
				requeue(queue, next);
				advanceFrom(queue, releasing);
				Acquisition unreleased = owner;
				this.workers.execute(() -> releaseUnknown(unreleased, 0));
				throw new LockException("Could not release lock '" + queue.key + "'; it expires within its ttl",
						ex);
			}
			if (outcome.kind() == ReleaseOutcome.Kind.HANDED_OFF && next != null
					&& System.nanoTime() - sentAt >= next.request().ttl().toNanos()) {
				// As for a late grant: next may hold a lease that expired unseen, so it contends again
				// as the same owner (taking the lease again), or gives it back if it ends first.
				next.recordFailure(new LockException("The hand-off of lock '" + queue.key + "' arrived after its ttl of "
						+ next.request().ttl() + " had passed"));
				requeue(queue, next);
				advanceFrom(queue, releasing);
				return;
			}
			if (outcome.kind() == ReleaseOutcome.Kind.HANDED_OFF && next != null) {
				long token = outcome.handOffToken();
				if (handTo(queue, next, () -> next.claim(token, sentAt), true)) {
					return;
				}
				owner = next;
				continue;
			}
			if (outcome.kind() == ReleaseOutcome.Kind.NOT_OWNER && owner == releasing) {
				releasing.lostBeforeRelease();
			}
			requeue(queue, next);
			advanceFrom(queue, releasing);
			return;
		}
	}

	/**
	 * Whether {@code next} may take over the lease {@code releasing} held without a backend call:
	 * the backend allows it, the lease is young enough (within the window and a third of its ttl,
	 * so at least two thirds of it remain) and has not been handed on too often, and {@code next}
	 * asks for the same lease.
	 */
	private boolean mayHandOffInMemory(Acquisition releasing, Acquisition next) {
		if (!this.inMemoryHandOffs || releasing.turnHandOffs() >= this.settings.maxLocalHandOffs()) {
			return false;
		}
		LockRequest held = releasing.request();
		LockRequest wanted = next.request();
		if (!held.ttl().equals(wanted.ttl()) || held.autoRenew() != wanted.autoRenew()) {
			return false;
		}
		long window = Math.min(this.settings.localHandOffWindow().toNanos(), held.ttl().toNanos() / 3);
		return System.nanoTime() - releasing.turnStartedAt() < window;
	}

	/**
	 * Makes {@code next} the holder and front, if {@code claim} succeeds.
	 * @param viaBackend whether the backend made the hand-off, which also removed this process's
	 * waiter record there
	 */
	private boolean handTo(KeyQueue queue, Acquisition next, BooleanSupplier claim, boolean viaBackend) {
		queue.lock.lock();
		try {
			if (!claim.getAsBoolean()) {
				return false;
			}
			queue.front = next;
			if (viaBackend) {
				queue.waiterRecorded = false;
			}
		}
		finally {
			queue.lock.unlock();
		}
		next.announceGrant();
		this.leases.keep(next);
		return true;
	}

	private void requeue(KeyQueue queue, @Nullable Acquisition next) {
		if (next == null) {
			return;
		}
		queue.lock.lock();
		try {
			queue.waiting.addFirst(next);
		}
		finally {
			queue.lock.unlock();
		}
	}

	private void advanceAfterLoss(Acquisition acquisition) {
		if (!this.backend.expiresLocks()) {
			// The backend still holds what this process counts as lost: a ZooKeeper node lives with
			// its session, not with the ttl that ran out.
			this.workers.execute(() -> releaseUnknown(acquisition, 0));
		}
		KeyQueue queue = acquisition.queue();
		if (queue != null) {
			advanceFrom(queue, acquisition);
		}
	}

	/**
	 * Whether the backend reported its connection suspended, so that no lock is safely held.
	 */
	boolean backendSuspended() {
		return this.backendSuspended;
	}

	/**
	 * Moves the queue on once {@code done} no longer holds or contends at its front.
	 */
	private void advanceFrom(KeyQueue queue, Acquisition done) {
		Acquisition next = null;
		queue.lock.lock();
		try {
			if (queue.front == done) {
				next = queue.advance();
			}
		}
		finally {
			queue.lock.unlock();
		}
		retire(queue);
		contend(queue, next);
	}

	private void retire(KeyQueue queue) {
		if (queue.retired && this.queues.remove(queue.key, queue) && queue.abandoned) {
			this.workers.execute(() -> abandon(queue.key));
		}
	}

	private void abandon(String key) {
		try {
			this.backend.abandon(key);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not withdraw this process's wait for lock '{}'; it expires with the wait", key, ex);
		}
	}

	private void contend(KeyQueue queue, @Nullable Acquisition front) {
		if (front != null) {
			dispatch(queue, front);
		}
	}

	/**
	 * Runs an attempt on the thread blocked waiting for it, if there is one, else on a worker.
	 */
	private void dispatch(KeyQueue queue, Acquisition acquisition) {
		if (!acquisition.requestAttempt()) {
			this.workers.execute(() -> attempt(queue, acquisition));
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
			KeyQueue queue = QueuedLockManager.this.queues.get(key);
			if (queue == null) {
				return;
			}
			Acquisition front;
			queue.lock.lock();
			try {
				front = queue.front;
			}
			finally {
				queue.lock.unlock();
			}
			if (front != null && front.leaseOwner().equals(owner)) {
				QueuedLockManager.this.leases.lose(front, reason, null);
			}
		}

	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		for (KeyQueue queue : List.copyOf(this.queues.values())) {
			for (Acquisition member : queue.members()) {
				try {
					member.cancel();
				}
				catch (LockException ex) {
					logger.warn("Could not release lock '{}' on close; it expires within its ttl", member.key(), ex);
				}
			}
		}
		this.scheduler.shutdownNow();
		this.workers.shutdown();
		try {
			if (!this.workers.awaitTermination(5, TimeUnit.SECONDS)) {
				this.workers.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.backend.close();
	}

}
