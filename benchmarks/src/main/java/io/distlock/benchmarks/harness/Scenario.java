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

	Measurement measure(Library library, Lab lab);

}
