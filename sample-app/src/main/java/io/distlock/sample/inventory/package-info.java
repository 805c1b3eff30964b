/**
 * Stock kept in Redis, reservations with and without a distributed lock, a load test that shows
 * the difference, and a stock audit that runs on one instance per period.
 */
@NullMarked
package io.distlock.sample.inventory;

import org.jspecify.annotations.NullMarked;
