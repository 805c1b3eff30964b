package io.distlock.aop;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Optional;

import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;

import io.distlock.annotation.LeaderOnly;
import io.distlock.core.LockContext;
import io.distlock.core.LockHandle;
import io.distlock.leader.LeaderElection;

/**
 * Runs {@link LeaderOnly @LeaderOnly} methods only while this node leads, with the leadership's
 * lock current in {@link LockContext}; skips them elsewhere.
 *
 * @since 1.0.0
 */
@Aspect
public final class LeaderOnlyAspect implements Ordered {

	private static final Logger logger = LoggerFactory.getLogger(LeaderOnlyAspect.class);

	private final LeaderElection election;

	/**
	 * Creates the aspect.
	 * @param election the election whose leader runs the methods
	 */
	public LeaderOnlyAspect(LeaderElection election) {
		this.election = Objects.requireNonNull(election, "'election' must not be null");
	}

	/**
	 * Runs the method if this node leads.
	 * @param joinPoint the call
	 * @return what the method returned, or the skipped result
	 * @throws Throwable what the method threw
	 */
	@Around("@annotation(io.distlock.annotation.LeaderOnly)")
	public @Nullable Object runIfLeader(ProceedingJoinPoint joinPoint) throws Throwable {
		Optional<LockHandle> leadership = this.election.leadership();
		if (leadership.isEmpty()) {
			Method method = ((MethodSignature) joinPoint.getSignature()).getMethod();
			logger.debug("Skipped @LeaderOnly {}.{}: not the leader of election '{}'",
					method.getDeclaringClass().getSimpleName(), method.getName(), this.election.name());
			return (method.getReturnType() == Optional.class) ? Optional.empty() : null;
		}
		try (LockContext.Scope scope = LockContext.enter(leadership.get())) {
			return joinPoint.proceed();
		}
	}

	@Override
	public int getOrder() {
		return DistributedLockAspect.DEFAULT_ORDER;
	}

}
