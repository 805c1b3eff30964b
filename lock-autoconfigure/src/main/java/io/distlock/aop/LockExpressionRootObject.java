package io.distlock.aop;

import java.lang.reflect.Method;

/**
 * The {@code #root} object of lock expressions: the invoked method, the bean, its class and the
 * arguments.
 */
class LockExpressionRootObject {

	private final Method method;

	private final Object target;

	private final Class<?> targetClass;

	private final Object[] args;

	LockExpressionRootObject(Method method, Object target, Class<?> targetClass, Object[] args) {
		this.method = method;
		this.target = target;
		this.targetClass = targetClass;
		this.args = args;
	}

	public Method getMethod() {
		return this.method;
	}

	public Object getTarget() {
		return this.target;
	}

	public Class<?> getTargetClass() {
		return this.targetClass;
	}

	public Object[] getArgs() {
		return this.args;
	}

}
