package io.distlock.sample.inventory;

/**
 * What a load test did to the stock. Every request ends up in exactly one of
 * {@code succeeded}, {@code rejected} and {@code failed}.
 *
 * @param guarded whether reservations held the lock
 * @param requested the reservations made
 * @param succeeded those that reserved a unit
 * @param rejected those refused for lack of stock (HTTP 409)
 * @param failed those that ended otherwise, such as waiting too long for the lock
 * @param initialStock the units in stock before
 * @param finalStock the units in stock after
 * @param oversold units sold that never existed: reserved plus left minus initial stock
 * @param elapsedMillis how long the test took
 * @since 1.0.0
 */
record LoadReport(boolean guarded, int requested, int succeeded, int rejected, int failed, long initialStock,
		long finalStock, long oversold, long elapsedMillis) {

	static LoadReport of(LoadPlan plan, int succeeded, int rejected, int failed, long finalStock,
			long elapsedMillis) {
		long oversold = Math.max(0, succeeded + finalStock - plan.stock());
		return new LoadReport(plan.guarded(), plan.requests(), succeeded, rejected, failed, plan.stock(), finalStock,
				oversold, elapsedMillis);
	}

}
