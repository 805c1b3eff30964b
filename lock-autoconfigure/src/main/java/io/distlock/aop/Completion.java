package io.distlock.aop;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;

import org.springframework.core.KotlinDetector;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;

/**
 * When the work of a {@code @DistributedLock} method is done, told by its return type: this is
 * when its lock is released. Reactor types are recognised by name, so this class loads without
 * Reactor.
 */
enum Completion {

	/** When the method returns or throws: plain values, {@code Optional} and {@code void}. */
	ON_RETURN,

	/** When the returned {@code CompletionStage} or {@code CompletableFuture} completes. */
	STAGE,

	/** When the returned {@code Mono}, subscribed, terminates or is cancelled; per subscription. */
	MONO,

	/** When the returned {@code Flux}, subscribed, terminates or is cancelled; per subscription. */
	FLUX;

	private static final String MONO_TYPE = "reactor.core.publisher.Mono";

	private static final String FLUX_TYPE = "reactor.core.publisher.Flux";

	private static final String PUBLISHER_TYPE = "org.reactivestreams.Publisher";

	/**
	 * The completion of a method.
	 * @param method the annotated method
	 * @param description the annotation and method, for messages
	 * @return how its work completes
	 * @throws IllegalStateException if the method is asynchronous in a way whose completion the
	 * lock cannot observe, so that it would be released before the work is done
	 */
	static Completion of(Method method, String description) {
		Class<?> type = method.getReturnType();
		if (type == CompletionStage.class || type == CompletableFuture.class) {
			return STAGE;
		}
		if (type.getName().equals(MONO_TYPE)) {
			return MONO;
		}
		if (type.getName().equals(FLUX_TYPE)) {
			return FLUX;
		}
		if (KotlinDetector.isSuspendingFunction(method)) {
			throw unsupported(description, "is a Kotlin suspending function");
		}
		if (isAsynchronous(type)) {
			throw unsupported(description, "returns " + method.getGenericReturnType().getTypeName());
		}
		return ON_RETURN;
	}

	private static boolean isAsynchronous(Class<?> type) {
		return Future.class.isAssignableFrom(type) || CompletionStage.class.isAssignableFrom(type)
				|| Flow.Publisher.class.isAssignableFrom(type)
				|| ReactiveAdapterRegistry.getSharedInstance().getAdapter(type) != null
				|| ClassUtils.getAllInterfacesForClassAsSet(type)
					.stream()
					.anyMatch((candidate) -> candidate.getName().equals(PUBLISHER_TYPE));
	}

	private static IllegalStateException unsupported(String description, String what) {
		return new IllegalStateException(description + " " + what + ", whose completion the lock cannot observe: "
				+ "it would be released when the method returns, before the work is done. Return "
				+ "CompletableFuture or CompletionStage, Mono or Flux (with Reactor), or a plain value");
	}

}
