package io.distlock.sample.inventory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The inventory API under {@code /api}: stock, guarded and unguarded reservations, a load test
 * that compares them, and supplier quotes.
 *
 * @since 1.0.0
 */
@RestController
@RequestMapping("/api")
class InventoryController {

	private final InventoryService inventory;

	private final ReservationLoad load;

	private final SupplierQuotes quotes;

	InventoryController(InventoryService inventory, ReservationLoad load, SupplierQuotes quotes) {
		this.inventory = Objects.requireNonNull(inventory, "'inventory' must not be null");
		this.load = Objects.requireNonNull(load, "'load' must not be null");
		this.quotes = Objects.requireNonNull(quotes, "'quotes' must not be null");
	}

	@PostMapping("/stock/{sku}")
	StockLevel restock(@PathVariable String sku, @RequestParam long quantity) {
		this.inventory.restock(sku, quantity);
		return new StockLevel(sku, quantity);
	}

	@GetMapping("/stock/{sku}")
	StockLevel stock(@PathVariable String sku) {
		return new StockLevel(sku, this.inventory.available(sku));
	}

	@GetMapping("/quote/{sku}")
	Quote quote(@PathVariable String sku) throws InterruptedException {
		return this.quotes.quote(sku);
	}

	@PostMapping("/reserve/{sku}")
	Reservation reserve(@PathVariable String sku, @RequestParam(defaultValue = "1") int quantity) {
		return new Reservation(sku, quantity, this.inventory.reserve(sku, quantity));
	}

	@PostMapping("/deliver/{sku}")
	CompletableFuture<StockLevel> deliver(@PathVariable String sku, @RequestParam int quantity) {
		return this.inventory.deliver(sku, quantity).thenApply((units) -> new StockLevel(sku, units));
	}

	@PostMapping("/transfer/{from}/{to}")
	List<StockLevel> transfer(@PathVariable String from, @PathVariable String to, @RequestParam int quantity) {
		return this.inventory.transfer(from, to, quantity);
	}

	@PostMapping("/reserve-unguarded/{sku}")
	Reservation reserveUnguarded(@PathVariable String sku, @RequestParam(defaultValue = "1") int quantity) {
		return new Reservation(sku, quantity, this.inventory.reserveUnguarded(sku, quantity));
	}

	@PostMapping("/load")
	LoadReport load(@RequestParam(defaultValue = "widget") String sku, @RequestParam(defaultValue = "100") long stock,
			@RequestParam(defaultValue = "300") int requests, @RequestParam(defaultValue = "16") int concurrency,
			@RequestParam(defaultValue = "true") boolean guarded) {
		return this.load.run(new LoadPlan(sku, stock, requests, concurrency, guarded));
	}

}
