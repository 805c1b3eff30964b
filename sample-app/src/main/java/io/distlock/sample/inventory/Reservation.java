package io.distlock.sample.inventory;

/**
 * A successful reservation.
 *
 * @param sku the SKU
 * @param quantity the units reserved
 * @param remaining the units left after it
 * @since 1.0.0
 */
record Reservation(String sku, int quantity, long remaining) {

}
