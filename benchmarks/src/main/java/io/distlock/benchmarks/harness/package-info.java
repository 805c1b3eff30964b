/**
 * The benchmark harness: its own Redis, worker JVMs, the scenarios, witnesses and rounds.
 */
@NullMarked
package io.distlock.benchmarks.harness;

import org.jspecify.annotations.NullMarked;
