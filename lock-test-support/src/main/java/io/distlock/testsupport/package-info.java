/**
 * Runs real {@code redis-server} processes, and other JVMs, for distlock's tests and
 * kills every one of them by PID when the tests are done.
 * <p>
 * System properties: {@code distlock.test.redis-server} (path to a binary, also the
 * {@code REDIS_SERVER} environment variable), {@code distlock.test.redis-binary=embedded}
 * (force the binary shipped in the embedded-redis jar), {@code distlock.test.redis=testcontainers}
 * (let {@link io.distlock.testsupport.RedisExtension} run Redis in a Docker container
 * instead of a process) and {@code distlock.test.redis-image} (that container's image,
 * {@code redis:7.0} by default).
 */
@NullMarked
package io.distlock.testsupport;

import org.jspecify.annotations.NullMarked;
