package io.distlock.sample.inventory;

/**
 * A supplier's unit price for a SKU.
 *
 * @param sku the SKU
 * @param priceCents the unit price, in cents
 * @param concurrentCalls how many calls to the supplier this instance had under way when it asked,
 * this one included: never more than {@link SupplierQuotes#CONCURRENT_CALLS}
 * @since 1.0.0
 */
record Quote(String sku, long priceCents, int concurrentCalls) {
}
