package io.distlock.benchmarks.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.jmh.JmhSuite;

/**
 * Everything a run measured, by scenario and library, in the order measured.
 *
 * @since 1.0.0
 */
public final class Results {

	private final Settings settings;

	private final Map<Scenario, Map<Library, List<Measurement>>> measurements = new LinkedHashMap<>();

	private List<JmhSuite.Score> jmh = List.of();

	private String redisVersion = "?";

	Results(Settings settings) {
		this.settings = settings;
	}

	Settings settings() {
		return this.settings;
	}

	void add(Scenario scenario, Library library, Measurement measurement) {
		this.measurements.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>())
			.computeIfAbsent(library, (key) -> new ArrayList<>())
			.add(measurement);
	}

	List<Scenario> scenarios() {
		return List.copyOf(this.measurements.keySet());
	}

	Optional<Summary> summary(Scenario scenario, Library library) {
		List<Measurement> measured = this.measurements.getOrDefault(scenario, Map.of()).get(library);
		return (measured == null || measured.isEmpty()) ? Optional.empty() : Optional.of(Summary.of(measured));
	}

	/**
	 * The best clean library of a role on Redis by a scenario's metric: the targets compare Redis
	 * locks, and the ZooKeeper libraries stand beside them in the tables only.
	 */
	@Nullable Library best(Scenario scenario, Metric metric, Library.Role role) {
		Library best = null;
		double bestValue = 0;
		for (Library library : this.settings.libraries()) {
			Optional<Summary> summary = summary(scenario, library);
			if (library.role() != role || library.store() != Library.Store.REDIS || summary.isEmpty()
					|| !summary.get().clean()) {
				continue;
			}
			double value = summary.get().median(metric);
			if (best == null || (metric.higherIsBetter() ? value > bestValue : value < bestValue)) {
				best = library;
				bestValue = value;
			}
		}
		return best;
	}

	/**
	 * The first scenario with this title prefix, such as {@code "3."}.
	 */
	Optional<Scenario> scenario(String number) {
		return this.measurements.keySet().stream().filter((scenario) -> scenario.title().startsWith(number)).findFirst();
	}

	/**
	 * Total violations of every scenario and library.
	 * @return the number of overlapping critical sections the witnesses saw
	 */
	public long violations() {
		return this.measurements.values()
			.stream()
			.flatMap((byLibrary) -> byLibrary.values().stream())
			.flatMap(List::stream)
			.mapToLong(Measurement::violations)
			.sum();
	}

	/**
	 * Violations of one library.
	 * @param library the library
	 * @return its overlapping critical sections
	 */
	public long violations(Library library) {
		return this.measurements.values()
			.stream()
			.flatMap((byLibrary) -> byLibrary.getOrDefault(library, List.of()).stream())
			.mapToLong(Measurement::violations)
			.sum();
	}

	/**
	 * In how many scenarios one library was measured.
	 * @param library the library
	 * @return the number of scenarios
	 */
	public int scenariosMeasured(Library library) {
		return (int) this.measurements.values().stream().filter((byLibrary) -> byLibrary.containsKey(library)).count();
	}

	/**
	 * Failed operations of one library.
	 * @param library the library
	 * @return operations that threw
	 */
	public long failures(Library library) {
		return this.measurements.values()
			.stream()
			.flatMap((byLibrary) -> byLibrary.getOrDefault(library, List.of()).stream())
			.mapToLong(Measurement::failures)
			.sum();
	}

	List<JmhSuite.Score> jmh() {
		return this.jmh;
	}

	void jmh(List<JmhSuite.Score> scores) {
		this.jmh = List.copyOf(scores);
	}

	String redisVersion() {
		return this.redisVersion;
	}

	void redisVersion(String version) {
		this.redisVersion = version;
	}

}
