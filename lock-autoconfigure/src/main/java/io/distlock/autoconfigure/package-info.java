/**
 * Auto-configuration of the Redis lock manager and the {@code @DistributedLock} aspect from
 * {@code spring.data.redis.*} and {@code distlock.*}.
 */
@NullMarked
package io.distlock.autoconfigure;

import org.jspecify.annotations.NullMarked;
