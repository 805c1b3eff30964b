package io.distlock.sample.dashboard;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.distlock.annotation.LeaderOnly;
import io.distlock.core.LockContext;
import io.distlock.core.LockHandle;
import io.distlock.sample.SampleInstance;

/**
 * Reports this instance to the {@link LeaderRegister} every {@code sample.leader.heartbeat}
 * while it leads the election, with its term's fencing token; on other instances the
 * {@code @LeaderOnly} method is skipped.
 *
 * @since 1.0.0
 */
@Component
class LeaderHeartbeat {

	private static final Logger logger = LoggerFactory.getLogger(LeaderHeartbeat.class);

	private final LeaderRegister register;

	private final String instance;

	LeaderHeartbeat(LeaderRegister register, SampleInstance instance) {
		this.register = Objects.requireNonNull(register, "'register' must not be null");
		this.instance = instance.id();
	}

	/**
	 * Reports this instance as the leader.
	 */
	@Scheduled(fixedRateString = "${sample.leader.heartbeat}")
	@LeaderOnly
	public void beat() {
		LockHandle leadership = LockContext.current()
			.orElseThrow(() -> new IllegalStateException("@LeaderOnly ran without its leadership in LockContext"));
		if (!this.register.report(this.instance, leadership.fencingToken())) {
			logger.warn("Leader report of instance {} refused: its term (fencing token {}) has been superseded",
					this.instance, leadership.fencingToken());
		}
	}

}
