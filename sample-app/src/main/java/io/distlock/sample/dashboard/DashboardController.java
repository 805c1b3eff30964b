package io.distlock.sample.dashboard;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.distlock.sample.SampleInstance;

/**
 * What the page at {@code /} shows besides the actuator: the shared lock timeline and the leader.
 *
 * @since 1.0.0
 */
@RestController
class DashboardController {

	private final LockActivityLog log;

	private final LeaderRegister leaders;

	private final String instance;

	DashboardController(LockActivityLog log, LeaderRegister leaders, SampleInstance instance) {
		this.log = Objects.requireNonNull(log, "'log' must not be null");
		this.leaders = Objects.requireNonNull(leaders, "'leaders' must not be null");
		this.instance = instance.id();
	}

	@GetMapping("/api/activity")
	Activity activity() {
		return new Activity(this.instance, System.currentTimeMillis(), this.leaders.current().orElse(null),
				this.log.recent(), this.log.dropped());
	}

	/**
	 * The timeline and the leader, as this instance sees them.
	 *
	 * @param instance the instance answering
	 * @param now its clock, in epoch milliseconds
	 * @param leader the leader last reported, {@code null} if none
	 * @param events the latest lock events of all instances, oldest first
	 * @param dropped events this instance could not record
	 */
	record Activity(String instance, long now, @Nullable LeaderStatus leader, List<LockEvent> events, long dropped) {
	}

}
