package io.distlock.sample.inventory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a {@link LoadPlan}: resets the stock, reserves one unit per request from a pool of
 * threads in this process, and reports how the stock came out.
 *
 * @since 1.0.0
 */
@Component
class ReservationLoad {

	private static final Logger logger = LoggerFactory.getLogger(ReservationLoad.class);

	private static final Duration TIMEOUT = Duration.ofMinutes(2);

	private final InventoryService inventory;

	ReservationLoad(InventoryService inventory) {
		this.inventory = Objects.requireNonNull(inventory, "'inventory' must not be null");
	}

	/**
	 * Runs the plan and waits for every request to end.
	 * @param plan the plan
	 * @return the report
	 * @throws IllegalStateException if the requests take longer than two minutes
	 */
	LoadReport run(LoadPlan plan) {
		this.inventory.restock(plan.sku(), plan.stock());
		AtomicInteger succeeded = new AtomicInteger();
		AtomicInteger rejected = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
		long start = System.nanoTime();
		ExecutorService pool = Executors.newFixedThreadPool(plan.concurrency(), new CustomizableThreadFactory("load-"));
		try {
			for (int i = 0; i < plan.requests(); i++) {
				pool.execute(() -> {
					try {
						reserve(plan);
						succeeded.incrementAndGet();
					}
					catch (InsufficientStockException ex) {
						rejected.incrementAndGet();
					}
					catch (RuntimeException ex) {
						failed.incrementAndGet();
						firstFailure.compareAndSet(null, ex);
					}
				});
			}
		}
		finally {
			pool.shutdown();
		}
		awaitTermination(pool);
		if (firstFailure.get() != null) {
			logger.warn("{} of {} reservations failed; the first with:", failed.get(), plan.requests(),
					firstFailure.get());
		}
		long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		return LoadReport.of(plan, succeeded.get(), rejected.get(), failed.get(), this.inventory.available(plan.sku()),
				elapsedMillis);
	}

	private void reserve(LoadPlan plan) {
		if (plan.guarded()) {
			this.inventory.reserve(plan.sku(), 1);
		}
		else {
			this.inventory.reserveUnguarded(plan.sku(), 1);
		}
	}

	private static void awaitTermination(ExecutorService pool) {
		try {
			if (!pool.awaitTermination(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				pool.shutdownNow();
				throw new IllegalStateException("Load test still running after " + TIMEOUT + ": cancelled");
			}
		}
		catch (InterruptedException ex) {
			pool.shutdownNow();
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running the load test", ex);
		}
	}

}
