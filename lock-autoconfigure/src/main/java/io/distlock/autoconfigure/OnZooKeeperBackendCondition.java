package io.distlock.autoconfigure;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import io.distlock.autoconfigure.DistributedLockProperties.Backend;

/**
 * Matches when the lock backend is ZooKeeper: {@code distlock.backend=zookeeper}, or
 * {@code auto} with {@code distlock.zookeeper.connect-string} set or a {@code CuratorFramework}
 * bean in the context. Use after a condition that Curator is on the classpath.
 */
class OnZooKeeperBackendCondition extends SpringBootCondition implements ConfigurationCondition {

	private static final String CURATOR_FRAMEWORK = "org.apache.curator.framework.CuratorFramework";

	@Override
	public ConfigurationPhase getConfigurationPhase() {
		// Looks for a bean, so only once the user's bean definitions are registered.
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Backend backend = Binder.get(context.getEnvironment()).bind("distlock.backend", Backend.class).orElse(Backend.AUTO);
		if (backend != Backend.AUTO) {
			return new ConditionOutcome(backend == Backend.ZOOKEEPER, "distlock.backend is " + backend);
		}
		if (StringUtils.hasText(context.getEnvironment().getProperty("distlock.zookeeper.connect-string"))) {
			return ConditionOutcome.match("distlock.zookeeper.connect-string is set");
		}
		ConfigurableListableBeanFactory beans = context.getBeanFactory();
		Class<?> curator = ClassUtils.resolveClassName(CURATOR_FRAMEWORK, context.getClassLoader());
		if (beans != null && beans.getBeanNamesForType(curator, true, false).length > 0) {
			return ConditionOutcome.match("the context has a CuratorFramework bean");
		}
		return ConditionOutcome.noMatch("neither distlock.zookeeper.connect-string nor a CuratorFramework bean");
	}

}
