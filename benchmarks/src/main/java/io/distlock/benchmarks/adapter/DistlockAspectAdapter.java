package io.distlock.benchmarks.adapter;

/**
 * distlock's annotation path: a {@code @DistributedLock} bean method in a Spring context whose
 * lock manager is the auto-configured {@code RedisLockManager}; two keys through a method whose
 * key expression is a collection.
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
	public void runLockedBoth(String first, String second, Runnable criticalSection) {
		this.section.runBoth(first, second, criticalSection);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
