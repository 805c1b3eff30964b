package io.distlock.sample.inventory;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.distlock.annotation.DistributedLock;
import io.distlock.annotation.OnLockFailure;
import io.distlock.sample.SampleInstance;

/**
 * Audits the stock every {@code sample.audit.interval} on one instance per period. Every
 * instance schedules it; each tries the lock once and skips the period if another instance holds
 * it. The lock is kept for at least {@code sample.audit.lock-at-least-for}, so an instance whose
 * schedule runs a little behind finds it still taken instead of running the same period again.
 * Runs are logged and appended to the Redis list {@value #RUNS_KEY} as
 * {@code "<instance id> <instant>"}.
 *
 * @since 1.0.0
 */
@Component
class StockAuditJob {

	/** The Redis list of the latest runs. */
	static final String RUNS_KEY = "sample:audit-runs";

	private static final Logger logger = LoggerFactory.getLogger(StockAuditJob.class);

	private static final int KEPT_RUNS = 100;

	private final StockRepository stock;

	private final StringRedisTemplate redis;

	private final String instanceId;

	StockAuditJob(StockRepository stock, StringRedisTemplate redis, SampleInstance instance) {
		this.stock = Objects.requireNonNull(stock, "'stock' must not be null");
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.instanceId = instance.id();
	}

	/**
	 * Sums up the stock and records the run.
	 */
	@Scheduled(fixedRateString = "${sample.audit.interval}")
	@DistributedLock(name = "stock-audit", waitTime = "0", lockAtLeastFor = "${sample.audit.lock-at-least-for}",
			onFailure = OnLockFailure.SKIP)
	public void audit() {
		Instant started = Instant.now();
		Map<String, Long> levels = this.stock.all();
		long units = levels.values().stream().mapToLong(Long::longValue).sum();
		logger.info("Stock audit ran on instance {}: {} units of {} SKUs", this.instanceId, units, levels.size());
		this.redis.opsForList().rightPush(RUNS_KEY, this.instanceId + " " + started);
		this.redis.opsForList().trim(RUNS_KEY, -KEPT_RUNS, -1);
	}

}
