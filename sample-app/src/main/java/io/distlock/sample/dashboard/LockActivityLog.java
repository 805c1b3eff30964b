package io.distlock.sample.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.ListOperations;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The lock events of every instance, in the Redis list {@value #KEY} capped at the latest
 * {@value #KEPT} entries. Recording only queues an event in memory, so the lock path never waits
 * for Redis; a scheduled flush appends what was queued. Events that overflow the queue are
 * dropped and counted.
 *
 * @since 1.0.0
 */
@Component
class LockActivityLog {

	/** The Redis list of the latest lock events of all instances. */
	static final String KEY = "sample:lock-events";

	static final int KEPT = 2000;

	private static final int QUEUED = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(LockActivityLog.class);

	private final ListOperations<String, String> list;

	private final BlockingQueue<LockEvent> queued = new ArrayBlockingQueue<>(QUEUED);

	private final AtomicLong dropped = new AtomicLong();

	LockActivityLog(StringRedisTemplate redis) {
		this.list = Objects.requireNonNull(redis, "'redis' must not be null").opsForList();
	}

	/**
	 * Queues an event for the next flush; never blocks.
	 * @param event the event
	 */
	void record(LockEvent event) {
		if (!this.queued.offer(event) && this.dropped.getAndIncrement() == 0) {
			logger.warn("More than {} lock events queued: dropping events from the timeline", QUEUED);
		}
	}

	/**
	 * Appends the queued events to the shared list and trims it.
	 */
	@Scheduled(fixedDelayString = "${sample.timeline.flush-interval}")
	void flush() {
		List<LockEvent> events = new ArrayList<>();
		this.queued.drainTo(events);
		if (events.isEmpty()) {
			return;
		}
		this.list.rightPushAll(KEY, events.stream().map(LockEvent::encode).toList());
		this.list.trim(KEY, -KEPT, -1);
	}

	/**
	 * Returns the latest events of all instances, oldest first.
	 * @return the events
	 */
	List<LockEvent> recent() {
		List<String> encoded = this.list.range(KEY, 0, -1);
		return (encoded != null) ? encoded.stream().map(LockEvent::decode).toList() : List.of();
	}

	/**
	 * Returns how many events did not fit the queue.
	 * @return the events dropped since start
	 */
	long dropped() {
		return this.dropped.get();
	}

}
