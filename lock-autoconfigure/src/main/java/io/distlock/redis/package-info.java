/**
 * The Redis implementation of the lock manager: Lua scripts for acquire, release and renew,
 * and pub/sub release notifications, over Spring Data Redis.
 */
@NullMarked
package io.distlock.redis;

import org.jspecify.annotations.NullMarked;
