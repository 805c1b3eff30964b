package io.distlock.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The fault suite's figures, written as {@code docs/reliability.md} when
 * {@code -Ddistlock.faults.report=<path>} is set (the {@code faults} profile sets it): each
 * scenario adds its row when it ends and the page is rewritten with every row so far, so a
 * failing scenario still leaves the figures of those that ran.
 */
final class ReliabilityReport {

	static final String REPORT_PROPERTY = "distlock.faults.report";

	private static final Map<Integer, Row> rows = new TreeMap<>();

	private static final Map<String, String> sizes = new TreeMap<>();

	private static String redisVersion = "?";

	private ReliabilityReport() {
	}

	static synchronized void redisVersion(String version) {
		redisVersion = version;
	}

	/**
	 * Notes a size a scenario ran with, for the page's record of the run.
	 * @return {@code size}
	 */
	static synchronized int size(String name, int shortSize, int fullSize) {
		int size = FaultScale.size(name, shortSize, fullSize);
		boolean reduced = FaultScale.full() && size != fullSize;
		sizes.put(name, size + (reduced ? " (full-scale default " + fullSize + ")" : ""));
		return size;
	}

	static synchronized void add(Row row) {
		rows.put(row.order(), row);
		String target = System.getProperty(REPORT_PROPERTY);
		if (target != null && !target.isBlank()) {
			write(Path.of(target));
		}
	}

	private static void write(Path target) {
		StringBuilder table = new StringBuilder();
		table.append("| # | scenario | trials | overlaps | lost increments | stale fenced writes accepted "
				+ "| time to next acquisition p50 / p99 / max | loss reported | other figures |\n");
		table.append("|---|---|---|---|---|---|---|---|---|\n");
		for (Row row : rows.values()) {
			table.append("| ").append(row.id()).append(" | ").append(row.scenario()).append(" | ")
				.append(row.trials()).append(" | ").append(row.overlaps()).append(" | ")
				.append(row.lostIncrements()).append(" | ").append(row.staleAccepted()).append(" | ")
				.append(row.timeToNext()).append(" | ").append(row.lossReported()).append(" | ")
				.append(row.other()).append(" |\n");
		}
		String sizeList = sizes.entrySet().stream()
			.map((size) -> "`" + size.getKey() + "=" + size.getValue() + "`")
			.collect(Collectors.joining(", "));
		String page = ReliabilityPage.TEMPLATE.replace("{date}",
				ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
			.replace("{machine}", machine())
			.replace("{scale}", FaultScale.full() ? "full" : "short")
			.replace("{sizes}", sizeList)
			.replace("{table}", table.toString().stripTrailing());
		try {
			Files.createDirectories(target.toAbsolutePath().getParent());
			Files.writeString(target, page);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the reliability report to " + target, ex);
		}
	}

	private static String machine() {
		return Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
				+ System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", Java "
				+ System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), redis-server "
				+ redisVersion + ", all on loopback";
	}

	/**
	 * One scenario's figures; {@code -} where a figure does not apply.
	 *
	 * @param order where the row goes in the table
	 * @param id the scenario's number in issue 8, such as {@code 3b}
	 */
	record Row(int order, String id, String scenario, long trials, String overlaps, String lostIncrements,
			String staleAccepted, String timeToNext, String lossReported, String other) {
	}

}
