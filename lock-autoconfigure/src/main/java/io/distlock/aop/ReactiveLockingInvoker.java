package io.distlock.aop;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import io.distlock.aop.LockingInvoker.Invocation;
import io.distlock.core.LockContext;
import io.distlock.core.LockException;
import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockNotAcquiredException;
import io.distlock.core.LockResult;

/**
 * Runs calls of {@code @DistributedLock} methods returning {@code Mono} or {@code Flux}. The call
 * itself takes nothing; each subscription requests the lock without blocking, then invokes the
 * method and subscribes to what it returns, and releases the lock when that completes, fails or
 * is cancelled. While the method runs its handle is {@link LockContext#current() current}; its
 * publisher finds it in the Reactor {@code Context} under {@code LockHandle.class}. Requests,
 * cancellations and releases, which may call the backend, and the method itself run on Reactor's
 * bounded elastic scheduler: never on the subscriber's thread, and never on the lock manager's
 * own threads. A subscription within one that holds the same key runs without taking it again
 * when the held kind covers its own, and fails at once when it does not (see {@link Reentry}).
 * Loaded only when Reactor is present.
 */
final class ReactiveLockingInvoker {

	private final LockManager lockManager;

	private final Scheduler scheduler;

	/**
	 * Creates an invoker that runs on Reactor's bounded elastic scheduler.
	 * @param lockManager the manager that takes the locks
	 */
	ReactiveLockingInvoker(LockManager lockManager) {
		this.lockManager = lockManager;
		this.scheduler = Schedulers.boundedElastic();
	}

	Object invoke(LockCall call, Invocation invocation) {
		if (call.definition().completion() == Completion.MONO) {
			return Mono.deferContextual((context) -> {
				LockHandle outer = heldAround(context, call);
				if (outer != null) {
					return mono(outer, invocation);
				}
				return Mono.usingWhen(acquire(call), (lock) -> mono(lock.handle(), invocation), this::release,
						this::releaseAfter, this::release);
			});
		}
		return Flux.deferContextual((context) -> {
			LockHandle outer = heldAround(context, call);
			if (outer != null) {
				return flux(outer, invocation);
			}
			return Flux.usingWhen(acquire(call), (lock) -> flux(lock.handle(), invocation), this::release,
					this::releaseAfter, this::release);
		});
	}

	private static @Nullable LockHandle heldAround(ContextView context, LockCall call) {
		return Reentry.heldAround(context.getOrDefault(LockHandle.class, null), call.request());
	}

	/**
	 * Requests the lock on the scheduler and signals it there once acquired; completes empty
	 * when the call is skipped. Cancelling the subscription cancels the request, or releases the
	 * lock if it was acquired meanwhile.
	 */
	private Mono<HeldLock> acquire(LockCall call) {
		return Mono.<HeldLock>create((sink) -> {
			LockHandle handle = call.lock(this.lockManager);
			sink.onCancel(() -> this.scheduler.schedule(handle::cancel));
			handle.result()
				.thenAccept((result) -> this.scheduler.schedule(() -> settle(sink, call, handle, result)));
		}).subscribeOn(this.scheduler);
	}

	private static void settle(MonoSink<HeldLock> sink, LockCall call, LockHandle handle, LockResult result) {
		if (result.acquired()) {
			sink.success(HeldLock.acquired(handle, call));
			return;
		}
		LockException exception = result.toException(call.request());
		if (exception instanceof LockNotAcquiredException notAcquired && call.definition().skips(notAcquired)) {
			sink.success();
		}
		else {
			sink.error(exception);
		}
	}

	@SuppressWarnings("unchecked")
	private static Mono<Object> mono(LockHandle handle, Invocation invocation) {
		return Mono.from((Publisher<Object>) proceed(handle, invocation)).contextWrite(withHandle(handle));
	}

	@SuppressWarnings("unchecked")
	private static Flux<Object> flux(LockHandle handle, Invocation invocation) {
		return Flux.from((Publisher<Object>) proceed(handle, invocation)).contextWrite(withHandle(handle));
	}

	private static Publisher<?> proceed(LockHandle handle, Invocation invocation) {
		Object publisher;
		try (LockContext.Scope scope = LockContext.enter(handle)) {
			publisher = invocation.proceed();
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
		return (publisher != null) ? (Publisher<?>) publisher : Mono.empty();
	}

	private static Context withHandle(LockHandle handle) {
		return Context.of(LockHandle.class, handle);
	}

	private Mono<Void> release(HeldLock lock) {
		return Mono.fromRunnable(lock::release).subscribeOn(this.scheduler).then();
	}

	/**
	 * Releases after the method's publisher failed, keeping that failure the one signalled.
	 */
	private Mono<Void> releaseAfter(HeldLock lock, Throwable failure) {
		return release(lock).onErrorResume((releaseFailure) -> {
			failure.addSuppressed(releaseFailure);
			return Mono.empty();
		});
	}

}
