package io.distlock.benchmarks.harness;

import org.jspecify.annotations.Nullable;

/**
 * What a worker JVM measured for one {@link Job}, sent back as one line.
 *
 * @param result operations, times and samples (for a wake-up job, the wake-up latencies are the
 * waits)
 * @param violations overlaps the worker's witness saw
 */
record WorkerReport(LoadLoop.Result result, long violations) {

	static WorkerReport failed(String reason) {
		LoadLoop.Result nothing = new LoadLoop.Result(0, 0, 0, new Samples(), new Samples(), 1, reason);
		return new WorkerReport(nothing, 0);
	}

	String encode() {
		return String.join(" ", Long.toString(this.violations), Long.toString(this.result.operations()),
				Long.toString(this.result.startedAt()), Long.toString(this.result.finishedAt()),
				Long.toString(this.result.failures()), samples(this.result.cycles()), samples(this.result.waits()),
				text(this.result.firstFailure()));
	}

	static WorkerReport decode(String line) {
		String[] parts = line.split(" ", 8);
		LoadLoop.Result result = new LoadLoop.Result(Long.parseLong(parts[1]), Long.parseLong(parts[2]),
				Long.parseLong(parts[3]), samples(parts[5]), samples(parts[6]), Long.parseLong(parts[4]),
				parts[7].equals("-") ? null : parts[7]);
		return new WorkerReport(result, Long.parseLong(parts[0]));
	}

	private static String samples(Samples samples) {
		return (samples.size() == 0) ? "-" : samples.encode();
	}

	private static Samples samples(String text) {
		return text.equals("-") ? new Samples() : Samples.decode(text);
	}

	private static String text(@Nullable String text) {
		return (text == null || text.isBlank()) ? "-" : text.replaceAll("\\s+", " ");
	}

}
