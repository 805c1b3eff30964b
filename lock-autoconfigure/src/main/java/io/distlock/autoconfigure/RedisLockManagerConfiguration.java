package io.distlock.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.distlock.core.LockHolder;
import io.distlock.core.LockListener;
import io.distlock.core.LockManager;
import io.distlock.redis.RedisLockManager;
import io.distlock.redis.RedisLockOptions;

/**
 * The {@link RedisLockManager} on the application's {@link RedisConnectionFactory}, unless the
 * application defines a {@link LockManager}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnMissingBean(LockManager.class)
class RedisLockManagerConfiguration {

	@Bean(destroyMethod = "close")
	RedisLockManager redisLockManager(RedisConnectionFactory connectionFactory, DistributedLockProperties properties,
			ObjectProvider<LockListener> listeners, Environment environment) {
		if (properties.getBackend() == DistributedLockProperties.Backend.ZOOKEEPER) {
			// The ZooKeeper configuration was skipped for want of Curator.
			throw new IllegalStateException("distlock.backend=zookeeper needs Apache Curator on the classpath: "
					+ "add org.apache.curator:curator-recipes");
		}
		DistributedLockProperties.Redis redis = properties.getRedis();
		RedisLockOptions options = new RedisLockOptions(properties.getKeyPrefix(), redis.getFairHandOverWindow(),
				redis.getReplicaAcks(), redis.getReplicaAckTimeout(),
				LockHolder.of(environment.getProperty("spring.application.name")));
		return new RedisLockManager(connectionFactory, options, properties.lockSettings(),
				LockListener.of(listeners.orderedStream().toList()));
	}

	@Bean
	LockManagerLifecycle redisLockManagerLifecycle(RedisLockManager redisLockManager,
			RedisConnectionFactory connectionFactory) {
		int phase = (connectionFactory instanceof SmartLifecycle lifecycle) ? lifecycle.getPhase() : 0;
		return new LockManagerLifecycle(redisLockManager, phase);
	}

}
