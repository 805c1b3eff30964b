package io.distlock.benchmarks.harness;

import java.util.List;

import io.distlock.benchmarks.adapter.Library;

/**
 * One of the scenarios: measures one library once.
 */
interface Scenario {

	/**
	 * The heading, such as {@code 1. Uncontended}.
	 */
	String title();

	/**
	 * What runs, in one sentence.
	 */
	String workload();

	/**
	 * The metrics it reports; the first is the one ratios are taken of.
	 */
	List<Metric> metrics();

	/**
	 * Whether the report shows each library's headline as a ratio to the raw floor's (where the
	 * floor ran it) and ranks distlock against the competitors on it; not for scenarios that count
	 * rather than time.
	 */
	default boolean comparesToFloor() {
		return true;
	}

	/**
	 * What the report calls {@code library} in this scenario, such as the name of the type it
	 * uses there.
	 */
	default String label(Library library) {
		return library.label();
	}

	/**
	 * Whether this scenario measures {@code library}; the run skips the others.
	 */
	default boolean runs(Library library) {
		return true;
	}

	Measurement measure(Library library, Lab lab);

}
