package io.distlock.aop;

import java.util.concurrent.Executor;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs blocking lock work where it is called, unless that is a Reactor non-blocking thread:
 * then on Reactor's bounded elastic scheduler. Loaded only when Reactor is present.
 */
final class NonBlockingThreadOffloader implements Executor {

	private final Scheduler scheduler = Schedulers.boundedElastic();

	@Override
	public void execute(Runnable work) {
		if (Schedulers.isInNonBlockingThread()) {
			this.scheduler.schedule(work);
		}
		else {
			work.run();
		}
	}

}
