package io.distlock.autoconfigure;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

import io.distlock.aop.DistributedLockAspect;
import io.distlock.aop.LockDefinitionSource;
import io.distlock.aop.LockDefinitionValidator;
import io.distlock.core.LockManager;

/**
 * The {@code @DistributedLock} aspect on the {@link LockManager}, and the start-up check of every
 * annotation. Needs the AspectJ weaver, with which Boot's AOP auto-configuration also turns on
 * auto-proxying.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.aspectj.weaver.Advice")
class DistributedLockAspectConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static LockDefinitionSource lockDefinitionSource(BeanFactory beanFactory, Environment environment) {
		return new LockDefinitionSource(beanFactory, environment);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static LockDefinitionValidator lockDefinitionValidator(LockDefinitionSource lockDefinitionSource) {
		return new LockDefinitionValidator(lockDefinitionSource);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(LockManager.class)
	DistributedLockAspect distributedLockAspect(LockManager lockManager, LockDefinitionSource lockDefinitionSource,
			DistributedLockProperties properties) {
		DistributedLockAspect aspect = new DistributedLockAspect(lockManager, lockDefinitionSource,
				properties.getDefaultTtl(), properties.getDefaultWaitTime());
		aspect.setOrder(properties.getAspectOrder());
		return aspect;
	}

}
