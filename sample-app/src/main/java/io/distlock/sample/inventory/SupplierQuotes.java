package io.distlock.sample.inventory;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

import io.distlock.annotation.DistributedLock;

/**
 * Asks the supplier's price API, which allows two concurrent calls from all of our instances
 * together: each call holds one of the two permits of {@code supplier:api}.
 *
 * @since 1.0.0
 */
@Service
class SupplierQuotes {

	/** How many calls the supplier's API allows at once. */
	static final int CONCURRENT_CALLS = 2;

	// Stands in for the supplier's response time.
	private static final long RESPONSE_MILLIS = 100;

	private final AtomicInteger calling = new AtomicInteger();

	/**
	 * Asks the supplier for a SKU's unit price, once one of the permits is free.
	 * @param sku the SKU
	 * @return the price, and how many calls of this instance were under way meanwhile
	 * @throws io.distlock.core.LockNotAcquiredException if no permit came free within 5 seconds
	 */
	@DistributedLock(name = "supplier", key = "'api'", permits = CONCURRENT_CALLS, waitTime = "5s")
	public Quote quote(String sku) throws InterruptedException {
		int concurrent = this.calling.incrementAndGet();
		try {
			Thread.sleep(RESPONSE_MILLIS);
			return new Quote(sku, 100 + Math.floorMod(sku.hashCode(), 900), concurrent);
		}
		finally {
			this.calling.decrementAndGet();
		}
	}

}
