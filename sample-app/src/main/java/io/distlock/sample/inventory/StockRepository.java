package io.distlock.sample.inventory;

import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Repository;

/**
 * Units in stock per SKU, in the Redis hash {@value #KEY}. Reading and writing are separate
 * calls on purpose: whoever reads, decides and writes needs a lock to stay correct.
 *
 * @since 1.0.0
 */
@Repository
class StockRepository {

	/** The Redis hash holding units per SKU. */
	static final String KEY = "sample:stock";

	private final HashOperations<String, String, String> hash;

	StockRepository(StringRedisTemplate redis) {
		this.hash = redis.opsForHash();
	}

	/**
	 * Returns the units of a SKU in stock.
	 * @param sku the SKU
	 * @return the units, {@code 0} for an unknown SKU
	 */
	long available(String sku) {
		String units = this.hash.get(KEY, sku);
		return (units != null) ? Long.parseLong(units) : 0;
	}

	/**
	 * Sets the units of a SKU in stock.
	 * @param sku the SKU
	 * @param units the units
	 */
	void set(String sku, long units) {
		this.hash.put(KEY, sku, Long.toString(units));
	}

	/**
	 * Returns the units in stock of every SKU.
	 * @return units by SKU
	 */
	Map<String, Long> all() {
		return this.hash.entries(KEY)
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> Long.parseLong(entry.getValue())));
	}

}
