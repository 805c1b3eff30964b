package io.distlock.aop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * BlockHound, installed once per JVM, recording every blocking call made on a non-blocking
 * thread besides failing it, so a test also sees calls whose error a pipeline swallowed.
 */
final class BlockingCalls {

	private static final List<String> reported = new CopyOnWriteArrayList<>();

	static {
		BlockHound.install((builder) -> builder.blockingMethodCallback((method) -> {
			reported.add(method + " on " + Thread.currentThread().getName());
			throw new BlockingOperationError(method);
		}));
	}

	private BlockingCalls() {
	}

	/**
	 * Installs BlockHound if it is not installed yet.
	 */
	static void watch() {
	}

	static List<String> reported() {
		return List.copyOf(reported);
	}

	static void clear() {
		reported.clear();
	}

}
