package io.distlock.benchmarks.harness;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.adapter.LockAdapter;

/**
 * The libraries of a run, each opened once, and closed together.
 */
final class OpenLibraries implements AutoCloseable {

	private final Map<Library, LockAdapter> adapters = new EnumMap<>(Library.class);

	void open(Iterable<Library> libraries, Function<Library, LockAdapter> opener) {
		for (Library library : libraries) {
			this.adapters.put(library, opener.apply(library));
		}
	}

	LockAdapter get(Library library) {
		LockAdapter adapter = this.adapters.get(library);
		if (adapter == null) {
			throw new IllegalArgumentException(library + " is not part of this run");
		}
		return adapter;
	}

	/**
	 * Closes every library, also when one fails to close.
	 * @throws RuntimeException the first failure, with the others suppressed
	 */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (LockAdapter adapter : this.adapters.values()) {
			try {
				adapter.close();
			}
			catch (RuntimeException ex) {
				failure = addTo(failure, ex);
			}
		}
		this.adapters.clear();
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * {@code failure} with {@code another} suppressed, or {@code another} if it is the first.
	 */
	static RuntimeException addTo(@Nullable RuntimeException failure, RuntimeException another) {
		if (failure == null) {
			return another;
		}
		failure.addSuppressed(another);
		return failure;
	}

}
