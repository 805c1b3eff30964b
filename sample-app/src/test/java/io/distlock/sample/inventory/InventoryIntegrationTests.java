package io.distlock.sample.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the inventory API against the sample's own embedded Redis.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.embedded-redis=always")
class InventoryIntegrationTests {

	private static final int STOCK = 100;

	private static final int REQUESTS = 300;

	private static final int CONCURRENCY = 16;

	@LocalServerPort
	private int port;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private InventoryService inventory;

	private RestClient client;

	@BeforeEach
	void createClient() {
		this.client = RestClient.create("http://127.0.0.1:" + this.port);
	}

	@Test
	void guardedLoadKeepsStockExact() {
		LoadReport report = load("guarded", true);
		assertThat(report.requested()).isEqualTo(REQUESTS);
		assertThat(report.succeeded()).isEqualTo(STOCK);
		assertThat(report.rejected()).isEqualTo(REQUESTS - STOCK);
		assertThat(report.failed()).isZero();
		assertThat(report.finalStock()).isZero();
		assertThat(report.oversold()).isZero();
	}

	@Test
	void unguardedLoadOversells() {
		LoadReport report = load("unguarded", false);
		assertThat(report.failed()).isZero();
		assertThat(report.succeeded() + report.rejected()).isEqualTo(REQUESTS);
		assertThat(report.oversold()).isPositive();
	}

	@Test
	void reservationKeepsStockInRedisAndRefusesWhatIsNotThere() {
		this.client.post().uri("/api/stock/{sku}?quantity=2", "single").retrieve().toBodilessEntity();
		Reservation reservation = this.client.post()
			.uri("/api/reserve/{sku}?quantity=2", "single")
			.retrieve()
			.body(Reservation.class);
		assertThat(reservation).isEqualTo(new Reservation("single", 2, 0));
		assertThat(this.redis.opsForHash().get(StockRepository.KEY, "single")).isEqualTo("0");
		assertThatExceptionOfType(HttpClientErrorException.Conflict.class)
			.isThrownBy(() -> this.client.post().uri("/api/reserve/{sku}", "single").retrieve().toBodilessEntity());
		assertThat(this.client.get().uri("/api/stock/{sku}", "single").retrieve().body(StockLevel.class))
			.isEqualTo(new StockLevel("single", 0));
	}

	@Test
	void asynchronousDeliveryHoldsTheLockUntilItIsBooked() {
		this.client.post().uri("/api/stock/{sku}?quantity=5", "delivered").retrieve().toBodilessEntity();
		CompletableFuture<Long> delivery = this.inventory.deliver("delivered", 10);
		assertThat(delivery).isNotDone();
		assertThat(this.redis.hasKey("lock:inventory:delivered")).isTrue();
		// A reservation of the same SKU waits for the booking, so it sees the delivered units.
		Reservation reservation = this.client.post()
			.uri("/api/reserve/{sku}?quantity=12", "delivered")
			.retrieve()
			.body(Reservation.class);
		assertThat(delivery).isCompletedWithValue(15L);
		assertThat(reservation).isEqualTo(new Reservation("delivered", 12, 3));
		assertThat(this.client.post().uri("/api/deliver/{sku}?quantity=1", "delivered").retrieve()
			.body(StockLevel.class)).isEqualTo(new StockLevel("delivered", 4));
		assertThat(this.redis.hasKey("lock:inventory:delivered")).isFalse();
	}

	@Test
	void aStockReadWaitsForTheDeliveryBeingBooked() {
		this.client.post().uri("/api/stock/{sku}?quantity=5", "read-during-delivery").retrieve().toBodilessEntity();
		CompletableFuture<Long> delivery = this.inventory.deliver("read-during-delivery", 10);
		assertThat(delivery).isNotDone();
		StockLevel read = this.client.get().uri("/api/stock/{sku}", "read-during-delivery").retrieve()
			.body(StockLevel.class);
		assertThat(delivery).isCompletedWithValue(15L);
		assertThat(read).isEqualTo(new StockLevel("read-during-delivery", 15));
		assertThat(this.redis.keys("lock:inventory:*")).as("locks left").isEmpty();
	}

	@Test
	void supplierQuotesNeverRunMoreThanItsPermitsAtOnce() {
		List<CompletableFuture<Quote>> calls = new ArrayList<>();
		List<Integer> concurrent;
		ExecutorService callers = Executors.newFixedThreadPool(6);
		try {
			for (int i = 0; i < 6; i++) {
				String sku = "sku-" + i;
				calls.add(CompletableFuture.supplyAsync(
						() -> this.client.get().uri("/api/quote/{sku}", sku).retrieve().body(Quote.class), callers));
			}
			concurrent = calls.stream().map(CompletableFuture::join).map(Quote::concurrentCalls).toList();
		}
		finally {
			callers.shutdown();
		}
		assertThat(concurrent).hasSize(6).allSatisfy((calling) -> assertThat(calling).isBetween(1,
				SupplierQuotes.CONCURRENT_CALLS));
		assertThat(concurrent).contains(SupplierQuotes.CONCURRENT_CALLS);
		assertThat(this.redis.keys("lock:supplier:*")).as("permits left").isEmpty();
	}

	@Test
	void transfersBothWaysAtOnceKeepTheTotalAndLeaveNoLock() {
		this.client.post().uri("/api/stock/{sku}?quantity=50", "north").retrieve().toBodilessEntity();
		this.client.post().uri("/api/stock/{sku}?quantity=50", "south").retrieve().toBodilessEntity();
		List<CompletableFuture<Void>> movers = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			List<String> route = (i % 2 == 0) ? List.of("north", "south") : List.of("south", "north");
			movers.add(CompletableFuture.runAsync(() -> {
				for (int n = 0; n < 10; n++) {
					this.client.post().uri("/api/transfer/{from}/{to}?quantity=1", route.get(0), route.get(1))
						.retrieve()
						.toBodilessEntity();
				}
			}));
		}
		CompletableFuture.allOf(movers.toArray(CompletableFuture[]::new)).join();
		assertThat(this.inventory.available("north") + this.inventory.available("south")).as("units of both SKUs")
			.isEqualTo(100);
		assertThat(this.redis.keys("lock:inventory:*")).as("locks left").isEmpty();
	}

	@Test
	void rejectsAQuantityBelowOne() {
		assertThatExceptionOfType(HttpClientErrorException.BadRequest.class).isThrownBy(() -> this.client.post()
			.uri("/api/reserve/{sku}?quantity=0", "single")
			.retrieve()
			.toBodilessEntity());
	}

	private LoadReport load(String sku, boolean guarded) {
		return this.client.post()
			.uri("/api/load?sku={sku}&stock={stock}&requests={requests}&concurrency={concurrency}&guarded={guarded}",
					sku, STOCK, REQUESTS, CONCURRENCY, guarded)
			.retrieve()
			.body(LoadReport.class);
	}

}
