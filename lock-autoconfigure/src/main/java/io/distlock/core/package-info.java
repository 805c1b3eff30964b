/**
 * The backend-neutral locking API and the waiting machinery every backend reuses; no Spring,
 * no Redis.
 */
@NullMarked
package io.distlock.core;

import org.jspecify.annotations.NullMarked;
