package io.distlock.autoconfigure.leader;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Leader election settings, under {@code distlock.leader}.
 *
 * @since 1.0.0
 */
@ConfigurationProperties("distlock.leader")
public class LeaderElectionProperties {

	/**
	 * Whether this application takes part in a leader election, which @LeaderOnly methods need.
	 */
	private boolean enabled;

	/**
	 * Name of the election, the same on every node of the group. Defaults to
	 * spring.application.name, else "application".
	 */
	private @Nullable String name;

	/**
	 * Lease of the leader: how long leadership outlives a crashed leader. Renewed every third of
	 * it while leading. At least 1ms.
	 */
	private Duration ttl = Duration.ofSeconds(10);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getName() {
		return this.name;
	}

	public void setName(@Nullable String name) {
		this.name = name;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		if (ttl.toMillis() < 1) {
			throw new IllegalArgumentException("distlock.leader.ttl must be at least 1ms, got " + ttl);
		}
		this.ttl = ttl;
	}

}
