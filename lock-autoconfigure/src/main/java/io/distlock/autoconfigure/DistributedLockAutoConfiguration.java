package io.distlock.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * Auto-configures a lock manager ({@link io.distlock.zookeeper.ZooKeeperLockManager} when
 * {@code distlock.backend} selects ZooKeeper, else {@link io.distlock.redis.RedisLockManager} on
 * the application's Redis connection factory) and the {@code @DistributedLock} aspect, unless
 * {@code distlock.enabled=false}. Each backs off when the application defines its own.
 *
 * @since 1.0.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "distlock.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DistributedLockProperties.class)
// In this order: the aspect needs the lock manager's bean definition to be registered first, and
// Redis backs off when ZooKeeper was chosen.
@Import({ ZooKeeperLockManagerConfiguration.class, RedisLockManagerConfiguration.class,
		DistributedLockAspectConfiguration.class })
public final class DistributedLockAutoConfiguration {

}
