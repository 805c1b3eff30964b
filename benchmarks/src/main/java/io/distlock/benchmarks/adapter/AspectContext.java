package io.distlock.benchmarks.adapter;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import io.distlock.autoconfigure.DistributedLockAutoConfiguration;
import io.distlock.autoconfigure.metrics.DistributedLockMetricsAutoConfiguration;
import io.distlock.core.LockManager;

/**
 * A small Spring context as an application would have it: distlock's auto-configuration (its
 * meters too, when given a {@link MeterRegistry}), the aspect, and one {@link AnnotatedSection}
 * bean, over either Redis (the auto-configured {@code RedisLockManager}, standalone or cluster)
 * or a given {@link LockManager}.
 *
 * @since 1.0.0
 */
public final class AspectContext implements AutoCloseable {

	private final AnnotationConfigApplicationContext context;

	private final @Nullable JedisConnectionFactory connections;

	private AspectContext(AnnotationConfigApplicationContext context, @Nullable JedisConnectionFactory connections) {
		context.register(Configured.class);
		context.refresh();
		this.context = context;
		this.connections = connections;
	}

	/**
	 * A context whose lock manager is the auto-configured one, on connections of its own.
	 * @param endpoint the benchmark's Redis
	 * @return the started context
	 */
	public static AspectContext onRedis(Endpoint endpoint) {
		return onConnections(Connections.springConnectionFactory(endpoint), null);
	}

	/**
	 * A context like {@link #onRedis(Endpoint)} that also records distlock's meters.
	 * @param endpoint the benchmark's Redis
	 * @param meters where the meters go, which the caller reads
	 * @return the started context
	 */
	public static AspectContext onRedis(Endpoint endpoint, MeterRegistry meters) {
		return onConnections(Connections.springConnectionFactory(endpoint), meters);
	}

	/**
	 * A context whose lock manager is the auto-configured one, on a Redis Cluster.
	 * @param cluster the benchmark's cluster
	 * @return the started context
	 */
	public static AspectContext onCluster(ClusterEndpoint cluster) {
		return onConnections(Connections.springConnectionFactory(cluster), null);
	}

	private static AspectContext onConnections(JedisConnectionFactory connections, @Nullable MeterRegistry meters) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean("redisConnectionFactory", RedisConnectionFactory.class, () -> connections,
				(definition) -> definition.setDestroyMethodName(""));
		if (meters != null) {
			context.registerBean("meterRegistry", MeterRegistry.class, () -> meters,
					(definition) -> definition.setDestroyMethodName(""));
		}
		return new AspectContext(context, connections);
	}

	/**
	 * A context whose aspect uses {@code lockManager}, so that the aspect's own cost can be
	 * measured without Redis.
	 * @param lockManager the lock manager, which the caller closes
	 * @return the started context
	 */
	public static AspectContext on(LockManager lockManager) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean("lockManager", LockManager.class, () -> lockManager, (definition) -> definition
			.setDestroyMethodName(""));
		return new AspectContext(context, null);
	}

	/**
	 * The proxied bean.
	 * @return the annotated section
	 */
	public AnnotatedSection section() {
		return this.context.getBean(AnnotatedSection.class);
	}

	/**
	 * The lock manager the aspect uses.
	 * @return the lock manager
	 */
	public LockManager lockManager() {
		return this.context.getBean(LockManager.class);
	}

	@Override
	public void close() {
		this.context.close();
		if (this.connections != null) {
			this.connections.destroy();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAspectJAutoProxy(proxyTargetClass = true)
	@ImportAutoConfiguration({ DistributedLockMetricsAutoConfiguration.class, DistributedLockAutoConfiguration.class })
	static class Configured {

		@Bean
		AnnotatedSection annotatedSection() {
			return new AnnotatedSection();
		}

	}

}
