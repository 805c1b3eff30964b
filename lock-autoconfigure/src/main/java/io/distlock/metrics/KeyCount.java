package io.distlock.metrics;

/**
 * The {@code keys} tag of {@code distlock.acquire} and {@code distlock.held}: how many keys a
 * request locks, in buckets so that the number of meters stays bounded.
 */
final class KeyCount {

	private KeyCount() {
	}

	/**
	 * The bucket of a key count.
	 * @param keys how many keys the request locks
	 * @return {@code 1}, {@code 2-4}, {@code 5-16} or {@code more}
	 */
	static String bucket(int keys) {
		if (keys <= 1) {
			return "1";
		}
		if (keys <= 4) {
			return "2-4";
		}
		return (keys <= 16) ? "5-16" : "more";
	}

}
