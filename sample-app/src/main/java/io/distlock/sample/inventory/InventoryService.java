package io.distlock.sample.inventory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Service;

import io.distlock.annotation.DistributedLock;
import io.distlock.core.LockMode;

/**
 * Reserves stock by reading it, checking it and writing it back. {@link #reserve} does so while
 * holding a lock per SKU; {@link #reserveUnguarded} is the same code without the lock, and
 * oversells when called concurrently.
 *
 * @since 1.0.0
 */
@Service
class InventoryService {

	// Stands in for the work between reading and writing stock (pricing, fraud checks): it
	// widens the window in which unguarded reservations overwrite each other.
	private static final long CHECKOUT_MILLIS = 2;

	// How long booking a delivery takes, in the background, after deliver() returned.
	private static final long DELIVERY_MILLIS = 300;

	private final StockRepository stock;

	InventoryService(StockRepository stock) {
		this.stock = Objects.requireNonNull(stock, "'stock' must not be null");
	}

	/**
	 * Reserves units of a SKU while holding the lock {@code inventory:<sku>}. Large orders take
	 * longer to process, so they lease the lock longer.
	 * @param sku the SKU
	 * @param quantity the units to reserve, at least 1
	 * @return the units left
	 * @throws InsufficientStockException if fewer than {@code quantity} are in stock
	 * @throws io.distlock.core.LockNotAcquiredException if the lock stayed taken for
	 *     {@code sample.reserve.wait-time}
	 */
	@DistributedLock(name = "inventory", key = "#sku", ttl = "#quantity > 100 ? '30s' : '5s'",
			waitTime = "${sample.reserve.wait-time}")
	public long reserve(String sku, int quantity) {
		return take(sku, quantity);
	}

	/**
	 * Books a supplier delivery of units to a SKU in the background. The lock
	 * {@code inventory:<sku>} is held from the call until the returned future completes, not only
	 * until this method returns, so reservations of the SKU wait for the booking.
	 * @param sku the SKU
	 * @param quantity the units delivered, at least 1
	 * @return the units in stock once the delivery is booked
	 */
	@DistributedLock(name = "inventory", key = "#sku", waitTime = "5s")
	public CompletableFuture<Long> deliver(String sku, int quantity) {
		if (quantity < 1) {
			throw new IllegalArgumentException("Delivery of '" + sku + "' must be at least 1 unit, was " + quantity);
		}
		long before = this.stock.available(sku);
		return CompletableFuture.supplyAsync(() -> {
			long after = before + quantity;
			this.stock.set(sku, after);
			return after;
		}, CompletableFuture.delayedExecutor(DELIVERY_MILLIS, TimeUnit.MILLISECONDS));
	}

	/**
	 * Moves units from one SKU's stock to another's while holding both their locks,
	 * {@code inventory:<from>} and {@code inventory:<to>}, as one request: two moves in opposite
	 * directions cannot deadlock, and neither SKU changes under it meanwhile.
	 * @param from the SKU the units leave
	 * @param to the SKU they join, another one
	 * @param quantity the units moved, at least 1
	 * @return the stock of both SKUs afterwards
	 * @throws InsufficientStockException if {@code from} has fewer than {@code quantity}
	 */
	@DistributedLock(name = "inventory", key = "{#from, #to}", ttl = "5s", waitTime = "${sample.reserve.wait-time}")
	public List<StockLevel> transfer(String from, String to, int quantity) {
		if (from.equals(to)) {
			throw new IllegalArgumentException("A transfer needs two SKUs, got '" + from + "' twice");
		}
		long left = take(from, quantity);
		long joined = this.stock.available(to) + quantity;
		this.stock.set(to, joined);
		return List.of(new StockLevel(from, left), new StockLevel(to, joined));
	}

	/**
	 * Reserves units of a SKU without a lock: concurrent calls may all read the same stock and
	 * each sell it.
	 * @param sku the SKU
	 * @param quantity the units to reserve, at least 1
	 * @return the units left, as this call saw it
	 * @throws InsufficientStockException if fewer than {@code quantity} are in stock
	 */
	public long reserveUnguarded(String sku, int quantity) {
		return take(sku, quantity);
	}

	/**
	 * Returns the units of a SKU in stock, read under a shared hold of {@code inventory:<sku>}:
	 * any number of reads at once, but none while a reservation, delivery or transfer of the SKU
	 * is under way, so a read never sees a delivery that is still being booked.
	 * @param sku the SKU
	 * @return the units, {@code 0} for an unknown SKU
	 */
	@DistributedLock(name = "inventory", key = "#sku", mode = LockMode.SHARED, waitTime = "5s")
	public long available(String sku) {
		return this.stock.available(sku);
	}

	/**
	 * Sets the units of a SKU in stock.
	 * @param sku the SKU
	 * @param units the units, not negative
	 */
	public void restock(String sku, long units) {
		if (units < 0) {
			throw new IllegalArgumentException("Stock of '" + sku + "' must not be negative, was " + units);
		}
		this.stock.set(sku, units);
	}

	private long take(String sku, int quantity) {
		if (quantity < 1) {
			throw new IllegalArgumentException("Quantity of '" + sku + "' must be at least 1, was " + quantity);
		}
		long available = this.stock.available(sku);
		if (available < quantity) {
			throw new InsufficientStockException(sku, quantity, available);
		}
		checkout();
		long remaining = available - quantity;
		this.stock.set(sku, remaining);
		return remaining;
	}

	private static void checkout() {
		try {
			Thread.sleep(CHECKOUT_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted during checkout", ex);
		}
	}

}
