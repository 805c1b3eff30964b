/**
 * JMH benchmarks: allocation per uncontended cycle and the overhead of the annotation path.
 */
@NullMarked
package io.distlock.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
