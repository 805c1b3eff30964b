package io.distlock.benchmarks.adapter;

/**
 * distlock's annotation path: a {@code @DistributedLock} bean method in a Spring context whose
 * lock manager is the auto-configured {@code RedisLockManager}.
 */
final class DistlockAspectAdapter implements LockAdapter {

	private final AspectContext context;

	private final AnnotatedSection section;

	DistlockAspectAdapter(Endpoint endpoint) {
		this.context = AspectContext.onRedis(endpoint);
		this.section = this.context.section();
	}

	@Override
	public void runLocked(String key, Runnable criticalSection) {
		this.section.run(key, criticalSection);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
