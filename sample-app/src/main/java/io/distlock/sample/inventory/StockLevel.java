package io.distlock.sample.inventory;

/**
 * The units of a SKU in stock.
 *
 * @param sku the SKU
 * @param available the units in stock
 * @since 1.0.0
 */
record StockLevel(String sku, long available) {

}
