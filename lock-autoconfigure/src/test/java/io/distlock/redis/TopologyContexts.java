package io.distlock.redis;

import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distlock.autoconfigure.DistributedLockAutoConfiguration;

/**
 * Application contexts configured the way a user configures a cluster or Sentinel: Boot's
 * {@code spring.data.redis.*} properties only, plus the settings a test varies.
 */
final class TopologyContexts {

	private TopologyContexts() {
	}

	static ApplicationContextRunner cluster(List<String> nodes, String... properties) {
		return runner().withPropertyValues("spring.data.redis.cluster.nodes=" + String.join(",", nodes))
			.withPropertyValues(properties);
	}

	static ApplicationContextRunner sentinel(String master, List<String> sentinels, String... properties) {
		return runner()
			.withPropertyValues("spring.data.redis.sentinel.master=" + master,
					"spring.data.redis.sentinel.nodes=" + String.join(",", sentinels))
			.withPropertyValues(properties);
	}

	private static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, DistributedLockAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.timeout=1s", "spring.data.redis.connect-timeout=1s");
	}

}
