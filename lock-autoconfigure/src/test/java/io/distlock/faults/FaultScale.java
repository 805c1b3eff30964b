package io.distlock.faults;

/**
 * How big the fault suite runs: short (a few trials per scenario, the default test run) or full
 * ({@code -Ddistlock.faults.scale=full}, set by the {@code faults} Maven profile). Each size can
 * be overridden on its own with {@code -Ddistlock.faults.<name>=<n>}.
 */
final class FaultScale {

	static final String SCALE_PROPERTY = "distlock.faults.scale";

	private FaultScale() {
	}

	static boolean full() {
		return "full".equals(System.getProperty(SCALE_PROPERTY));
	}

	/**
	 * The size of one dimension of a scenario.
	 * @param name the name it is overridden by, after {@code distlock.faults.}
	 * @param shortSize the size in the default run
	 * @param fullSize the size in the full run
	 * @return the size to run
	 */
	static int size(String name, int shortSize, int fullSize) {
		String override = System.getProperty("distlock.faults." + name);
		if (override != null) {
			try {
				return Integer.parseInt(override.trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("-Ddistlock.faults." + name + " must be a number, got '" + override
						+ "'", ex);
			}
		}
		return full() ? fullSize : shortSize;
	}

}
