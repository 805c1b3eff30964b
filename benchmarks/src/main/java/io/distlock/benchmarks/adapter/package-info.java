/**
 * One adapter per lock library, all behind the same LockAdapter interface.
 */
@NullMarked
package io.distlock.benchmarks.adapter;

import org.jspecify.annotations.NullMarked;
