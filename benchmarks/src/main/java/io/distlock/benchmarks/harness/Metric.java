package io.distlock.benchmarks.harness;

import java.util.Locale;

/**
 * A number a scenario reports, with its unit and which way is better.
 */
enum Metric {

	OPS_PER_SECOND("ops/s", true, "%,.0f"),

	/** Throughput over the threads that made it: what one thread got. */
	OPS_PER_THREAD("ops/s per thread", true, "%,.0f"),

	HAND_OFFS_PER_SECOND("hand-offs/s", true, "%,.0f"),

	TRANSFERS_PER_SECOND("transfers/s", true, "%,.0f"),

	CYCLE_P50("p50 µs", false, "%,.0f"),

	CYCLE_P99("p99 µs", false, "%,.0f"),

	CYCLE_P999("p99.9 µs", false, "%,.0f"),

	WAIT_P99("p99 wait ms", false, "%,.1f"),

	WAIT_MAX("max wait ms", false, "%,.1f"),

	/** The readers' waits alone, where readers and writers share a key. */
	READER_WAIT_P99("readers' p99 wait ms", false, "%,.1f"),

	/** The writers' waits alone, where readers and writers share a key. */
	WRITER_WAIT_P99("writers' p99 wait ms", false, "%,.1f"),

	WAKE_MEDIAN("median µs", false, "%,.0f"),

	WAKE_P99("p99 µs", false, "%,.0f"),

	UNCONTENDED_SENT("sent / uncontended cycle", false, "%.2f"),

	UNCONTENDED_EXECUTED("executed / uncontended cycle", false, "%.2f"),

	LOCAL_HAND_OFF_SENT("sent / hand-off, 1 JVM", false, "%.2f"),

	LOCAL_HAND_OFF_EXECUTED("executed / hand-off, 1 JVM", false, "%.2f"),

	REMOTE_HAND_OFF_SENT("sent / hand-off, across JVMs", false, "%.2f"),

	REMOTE_HAND_OFF_EXECUTED("executed / hand-off, across JVMs", false, "%.2f"),

	HELD_LOST("not held at the end", false, "%,.0f"),

	HELD_SIGNALLED("signalled lost", false, "%,.0f"),

	HELD_MISSING("keys missing in Redis", false, "%,.0f"),

	LIBRARY_THREADS("library threads", false, "%,.0f"),

	NAMED_THREADS("threads by name", false, "%,.0f"),

	RENEWALS_PER_SECOND("renewals/s", true, "%,.0f"),

	SCRIPTS_PER_SECOND("scripts sent/s", false, "%,.0f"),

	READS_PER_SECOND("Redis socket reads/s", false, "%,.0f"),

	CPU_PER_RENEWAL("CPU µs / renewal", false, "%,.1f"),

	/** How far the total of all balances moved in a round, as an absolute amount: a check, 0 when it holds. */
	BALANCE_CHANGE("total balance change", false, "%,.0f"),

	/**
	 * The most holders of one key the witness saw inside at once, readers or exclusive ones: a
	 * check against the permits, shown for the worst round.
	 */
	MOST_INSIDE("most inside at once", false, "%,.0f");

	private final String header;

	private final boolean higherIsBetter;

	private final String format;

	Metric(String header, boolean higherIsBetter, String format) {
		this.header = header;
		this.higherIsBetter = higherIsBetter;
		this.format = format;
	}

	String header() {
		return this.header;
	}

	boolean higherIsBetter() {
		return this.higherIsBetter;
	}

	/**
	 * Whether the report shows the worst round rather than the median: for a check that must hold
	 * in every round.
	 */
	boolean reportsWorstRound() {
		return this == BALANCE_CHANGE || this == MOST_INSIDE;
	}

	/**
	 * The value as the report shows it; {@code NaN} (not measurable for a library) as a dash.
	 */
	String format(double value) {
		return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, this.format, value);
	}

	/**
	 * This metric of a load run, for the metrics a load run has.
	 */
	double of(LoadLoop.Result result) {
		return switch (this) {
			case OPS_PER_SECOND, HAND_OFFS_PER_SECOND, TRANSFERS_PER_SECOND -> result.perSecond();
			case CYCLE_P50 -> micros(result.cycles().percentile(0.50));
			case CYCLE_P99 -> micros(result.cycles().percentile(0.99));
			case CYCLE_P999 -> micros(result.cycles().percentile(0.999));
			case WAIT_P99 -> millis(result.waits().percentile(0.99));
			case WAIT_MAX -> millis(result.waits().max());
			case WAKE_MEDIAN -> micros(result.waits().percentile(0.50));
			case WAKE_P99 -> micros(result.waits().percentile(0.99));
			default -> throw new IllegalArgumentException(this + " is not measured by a load run");
		};
	}

	/**
	 * This metric of some of a load run's waits, for the metrics of one kind of lock's waits.
	 */
	double ofWaits(Samples waits) {
		return switch (this) {
			case READER_WAIT_P99, WRITER_WAIT_P99 -> millis(waits.percentile(0.99));
			default -> throw new IllegalArgumentException(this + " is not measured from waits alone");
		};
	}

	private static double micros(long nanos) {
		return nanos / 1e3;
	}

	private static double millis(long nanos) {
		return nanos / 1e6;
	}

}
