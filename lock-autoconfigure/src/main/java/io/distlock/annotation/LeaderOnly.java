package io.distlock.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (typically {@code @Scheduled}) only while this node leads the
 * application's leader election ({@code distlock.leader.enabled=true}); on every other node the
 * call is skipped as with {@link OnLockFailure#SKIP}: it returns {@code null},
 * {@code Optional.empty()} or nothing, logged at DEBUG.
 * <p>
 * Inside the method, {@link io.distlock.core.LockContext#current()} is the leadership's lock, so
 * the method can pass the term's fencing token on to what it writes. A method returning a
 * primitive, or {@code @LeaderOnly} while leader election is disabled, fails start-up.
 *
 * @since 1.0.0
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {

}
