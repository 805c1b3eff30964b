package io.distlock.metrics;

/**
 * The {@code keys} tag of {@code distlock.acquire} and {@code distlock.held}: how many keys a
 * request locks, in buckets so that the number of meters stays bounded.
 */
final class KeyCount {

	private static final String[] BUCKETS = { "1", "2-4", "5-16", "more" };

	/** How many buckets there are: the bound of {@link #index(int)}. */
	static final int BUCKET_COUNT = BUCKETS.length;

	private KeyCount() {
	}

	/**
	 * The bucket of a key count.
	 * @param keys how many keys the request locks
	 * @return {@code 1}, {@code 2-4}, {@code 5-16} or {@code more}
	 */
	static String bucket(int keys) {
		return BUCKETS[index(keys)];
	}

	/**
	 * The position of a key count's bucket, to index meters by it without a lookup.
	 * @param keys how many keys the request locks
	 * @return from {@code 0} to {@link #BUCKET_COUNT} exclusive, in the order of {@link #bucket(int)}
	 */
	static int index(int keys) {
		if (keys <= 1) {
			return 0;
		}
		if (keys <= 4) {
			return 1;
		}
		return (keys <= 16) ? 2 : 3;
	}

}
