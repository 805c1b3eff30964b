package io.distlock.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Critical sections of one lock as a {@link Witness} logged them, checked offline: two sections
 * overlap when one starts before another that started earlier has ended.
 *
 * @param sections the sections, ordered by start
 */
public record SectionLog(List<Section> sections) {

	static SectionLog parse(List<String> lines) {
		List<Section> sections = new ArrayList<>(lines.size());
		for (String line : lines) {
			String[] fields = line.split(" ");
			sections.add(new Section(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2])));
		}
		sections.sort(Comparator.comparingLong(Section::start));
		return new SectionLog(List.copyOf(sections));
	}

	/**
	 * Counts sections that start before an earlier-started section has ended.
	 * @return the number of overlapping sections
	 */
	public long overlaps() {
		long overlaps = 0;
		long latestEnd = Long.MIN_VALUE;
		for (Section section : this.sections) {
			if (latestEnd != Long.MIN_VALUE && section.start() - latestEnd < 0) {
				overlaps++;
			}
			latestEnd = (latestEnd == Long.MIN_VALUE || section.end() - latestEnd > 0) ? section.end() : latestEnd;
		}
		return overlaps;
	}

	/**
	 * Counts sections whose token is not above that of the section before them.
	 * @return the number of sections holding a token out of order
	 */
	public long tokensOutOfOrder() {
		long outOfOrder = 0;
		for (int i = 1; i < this.sections.size(); i++) {
			if (this.sections.get(i).token() <= this.sections.get(i - 1).token()) {
				outOfOrder++;
			}
		}
		return outOfOrder;
	}

	/**
	 * One critical section.
	 *
	 * @param start when it began ({@link System#nanoTime()})
	 * @param end when it ended
	 * @param token the fencing token it held
	 */
	public record Section(long start, long end, long token) {
	}

}
