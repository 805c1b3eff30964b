package io.distlock.aop;

import java.lang.reflect.Method;

import org.springframework.aop.Advisor;
import org.springframework.aop.aspectj.AbstractAspectJAdvice;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;

/**
 * Tells whether {@code @Async} advice runs inside the lock's advice on a method, looking through
 * the advisors of a bean's proxies, outermost first. Then the lock is taken by the caller and
 * released when the method returns, which for {@code @Async} is when the work is handed to the
 * executor: only a returned {@code CompletableFuture} lets the lock see the work finish.
 */
final class AsyncAdviceOrder {

	private AsyncAdviceOrder() {
	}

	static boolean asyncInsideLock(Object bean, Method method, Class<?> targetClass) {
		boolean insideLock = false;
		for (Object proxy = bean; proxy instanceof Advised advised; proxy = AopProxyUtils.getSingletonTarget(proxy)) {
			for (Advisor advisor : advised.getAdvisors()) {
				if (isLockAdvice(advisor)) {
					insideLock = true;
				}
				else if (insideLock && advisor instanceof AsyncAnnotationAdvisor async
						&& async.getPointcut().getMethodMatcher().matches(method, targetClass)) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean isLockAdvice(Advisor advisor) {
		return advisor.getAdvice() instanceof AbstractAspectJAdvice advice
				&& advice.getAspectJAdviceMethod().getDeclaringClass() == DistributedLockAspect.class;
	}

}
