package io.distlock.sample.inventory;

/**
 * A load test: reset a SKU's stock, then reserve one unit at a time from many threads.
 *
 * @param sku the SKU
 * @param stock the units in stock before the first reservation
 * @param requests how many reservations to make
 * @param concurrency how many threads make them
 * @param guarded whether to reserve with the lock
 * @since 1.0.0
 */
record LoadPlan(String sku, long stock, int requests, int concurrency, boolean guarded) {

	static final int MAX_REQUESTS = 100_000;

	static final int MAX_CONCURRENCY = 256;

	LoadPlan {
		if (sku == null || sku.isBlank()) {
			throw new IllegalArgumentException("sku must not be blank");
		}
		if (stock < 0) {
			throw new IllegalArgumentException("stock must not be negative, was " + stock);
		}
		if (requests < 1 || requests > MAX_REQUESTS) {
			throw new IllegalArgumentException("requests must be between 1 and " + MAX_REQUESTS + ", was " + requests);
		}
		if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
			throw new IllegalArgumentException(
					"concurrency must be between 1 and " + MAX_CONCURRENCY + ", was " + concurrency);
		}
	}

}
