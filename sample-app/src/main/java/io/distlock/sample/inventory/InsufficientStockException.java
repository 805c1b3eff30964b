package io.distlock.sample.inventory;

/**
 * Thrown when a reservation asks for more units than are in stock.
 *
 * @since 1.0.0
 */
class InsufficientStockException extends RuntimeException {

	InsufficientStockException(String sku, int requested, long available) {
		super("Cannot reserve " + requested + " of '" + sku + "': " + available + " in stock");
	}

}
