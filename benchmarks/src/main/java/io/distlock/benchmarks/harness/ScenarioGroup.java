package io.distlock.benchmarks.harness;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The parts of a standalone run that {@code --scenarios} selects, each a group of scenarios run
 * together.
 *
 * @since 1.1.0
 */
public enum ScenarioGroup {

	/** Scenarios 1 to 5, in interleaved rounds. */
	TIMED(true),

	/** Scenario 6, once. */
	REDIS_COST(true),

	/** Scenarios 8a, 8b, ..., once each. */
	HELD_LOCKS(false),

	/** Scenario 9, in rounds of its own. */
	TRANSFERS(false),

	/** Scenarios 10a to 10c, in rounds of their own. */
	LOCK_KINDS(false),

	/** Scenario 7, under JMH. */
	JMH(false);

	private final boolean usesWorkers;

	ScenarioGroup(boolean usesWorkers) {
		this.usesWorkers = usesWorkers;
	}

	/**
	 * Whether the group needs the worker JVMs, so that a run without it need not start them.
	 * @return {@code true} for the groups with cross-process scenarios
	 */
	public boolean usesWorkers() {
		return this.usesWorkers;
	}

	/**
	 * The name {@code --scenarios} knows the group by.
	 * @return such as {@code lock-kinds}
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The group with this {@link #id()}.
	 * @param id such as {@code lock-kinds}
	 * @return the group
	 * @throws IllegalArgumentException if no group has it, naming those that exist
	 */
	public static ScenarioGroup of(String id) {
		return Arrays.stream(values())
			.filter((group) -> group.id().equals(id))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown scenario group '" + id + "'; use one of "
					+ Arrays.stream(values()).map(ScenarioGroup::id).collect(Collectors.joining(", "))));
	}

}
