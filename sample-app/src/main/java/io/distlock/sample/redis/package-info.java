/**
 * Runs a throwaway {@code redis-server} when none is configured, so the sample needs no set-up.
 */
@NullMarked
package io.distlock.sample.redis;

import org.jspecify.annotations.NullMarked;
