package io.distlock.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import io.distlock.core.LockHandle;
import io.distlock.core.LockManager;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.redis.Occupancy.Kind;
import io.distlock.redis.Occupancy.Section;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every lock kind on keys of a Redis topology, through two processes (application contexts):
 * shares that overlap, a mutex that waits for them and is woken by the last release, permits that
 * admit exactly their number, fencing tokens that rise across kinds, and nothing left behind.
 * Every concurrency claim is checked by an {@link Occupancy}, which the locks do not use.
 * <p>
 * In the scenarios of one key only the waiting process waits, so a subscription to the key's
 * channel is its own; give it {@link #SLOW_FALLBACK}, so a prompt grant is the release notice's
 * doing and not a retry's.
 */
final class LockKindsScenarios {

	/** Retry settings for the waiting process, far slower than {@link #WAKE_BOUND}. */
	static final String[] SLOW_FALLBACK = { "distlock.retry.initial-interval=5s",
			"distlock.retry.max-interval=5s" };

	/** How soon after a release its notice must have woken a waiter: a liveness bound, not a speed. */
	static final Duration WAKE_BOUND = Duration.ofSeconds(1);

	private static final Duration TTL = Duration.ofSeconds(5);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String KEY_PREFIX = "lock:";

	private final LockManager holders;

	private final LockManager waiters;

	private final Function<String, RedisServer> primaryOf;

	private final Supplier<List<RedisServer>> primaries;

	private final Occupancy occupancy = new Occupancy();

	private final Map<String, Long> tokens = new HashMap<>();

	/**
	 * Scenarios on one topology.
	 * @param holders a process that takes only free locks, never waiting
	 * @param waiters a process that also waits
	 * @param primaryOf the primary that serves a Redis key now
	 * @param primaries every primary now, where a process may subscribe
	 */
	LockKindsScenarios(LockManager holders, LockManager waiters, Function<String, RedisServer> primaryOf,
			Supplier<List<RedisServer>> primaries) {
		this.holders = holders;
		this.waiters = waiters;
		this.primaryOf = primaryOf;
		this.primaries = primaries;
	}

	/**
	 * The Redis key of a lock key.
	 * @param key the lock key
	 * @return the key its hash lives under
	 */
	static String redisKey(String key) {
		return KEY_PREFIX + key;
	}

	/**
	 * Runs every kind on {@code key} in turn: shares, then permits ({@code permits = 2}), then a
	 * mutex, each token above the one before, and the key gone afterwards.
	 * @param key the lock key
	 */
	void everyKindOn(String key) {
		sharesOverlapAndTheLastReleaseWakesAWaitingMutex(key);
		permitsAdmitExactlyTheirNumber(key, 2);
		try (LockHandle mutex = granted(this.holders.acquire(request(key)));
				Section section = this.occupancy.enter(mutex)) {
			assertThat(mutex.isHeld()).isTrue();
		}
		assertNothingLeft(key);
	}

	/**
	 * A share of each process holds {@code key} at once; a mutex requested meanwhile waits while
	 * either holds, and the release of the last share (by the mutex's own process) wakes it
	 * promptly.
	 * @param key the lock key
	 */
	void sharesOverlapAndTheLastReleaseWakesAWaitingMutex(String key) {
		LockRequest share = request(key).withMode(LockMode.SHARED);
		LockHandle first = granted(this.holders.acquire(share));
		Section firstSection = this.occupancy.enter(first);
		LockHandle second = granted(this.waiters.acquire(share));
		Section secondSection = this.occupancy.enter(second);
		assertThat(this.occupancy.most(key, Kind.SHARED)).as("shares of '%s' inside at once", key)
			.isGreaterThanOrEqualTo(2);
		LockHandle mutex = this.waiters.lock(request(key));
		CompletableFuture<Section> mutexSection = enterOnGrant(mutex);
		awaitWaiting(key, "w:");
		// The mutex's own process gives the last share up: its notification must wake that process.
		firstSection.close();
		first.unlock();
		assertThat(mutex.result()).as("a mutex of '%s' while a share holds it", key).isNotDone();
		secondSection.close();
		long released = System.nanoTime();
		second.unlock();
		assertWokenPromptly(mutex, released);
		granted(mutex);
		mutexSection.join().close();
		mutex.unlock();
		assertThat(this.occupancy.violations()).isEmpty();
	}

	/**
	 * {@code permits} holders, of both processes, hold {@code key} at once; one more waits until a
	 * permit is given up, and that release wakes it promptly.
	 * @param key the lock key
	 * @param permits how many permits, at least 2
	 */
	void permitsAdmitExactlyTheirNumber(String key, int permits) {
		LockRequest permit = request(key).withPermits(permits);
		List<LockHandle> held = new ArrayList<>();
		List<Section> sections = new ArrayList<>();
		for (int i = 0; i < permits; i++) {
			LockHandle handle = granted(((i % 2 == 0) ? this.holders : this.waiters).acquire(permit));
			held.add(handle);
			sections.add(this.occupancy.enter(handle));
		}
		LockHandle extra = this.waiters.lock(permit);
		CompletableFuture<Section> extraSection = enterOnGrant(extra);
		awaitWaiting(key, "v");
		assertThat(extra.result()).as("permit %d of '%s'", permits + 1, key).isNotDone();
		sections.get(0).close();
		long released = System.nanoTime();
		held.get(0).unlock();
		assertWokenPromptly(extra, released);
		granted(extra);
		held.set(0, extra);
		sections.set(0, extraSection.join());
		for (int i = 0; i < permits; i++) {
			sections.get(i).close();
			held.get(i).unlock();
		}
		assertThat(this.occupancy.most(key, Kind.PERMIT)).as("permits of '%s' inside at once", key)
			.isEqualTo(permits);
		assertThat(this.occupancy.violations()).isEmpty();
	}

	/**
	 * Both processes, {@code threads} threads each, take {@code rounds} locks of every kind on
	 * {@code keys} (shares, permits = 2 and mutexes mixed on each key) and hold each a moment:
	 * no grant beside a section it excludes, every request granted, every key gone afterwards.
	 * @param keys the lock keys
	 * @param threads threads per process
	 * @param rounds locks per thread
	 * @throws Exception if a thread failed
	 */
	void mixedLoad(List<String> keys, int threads, int rounds) throws Exception {
		List<LockManager> processes = List.of(this.holders, this.waiters);
		ExecutorService pool = Executors.newFixedThreadPool(processes.size() * threads);
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger done = new AtomicInteger();
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < processes.size() * threads; i++) {
				LockManager locks = processes.get(i % processes.size());
				int first = i;
				running.add(pool.submit(() -> {
					start.await();
					for (int turn = first; turn < first + rounds; turn++) {
						try (LockHandle handle = locks.acquire(ofKind(turn, request(keys.get(turn % keys.size()))));
								Section section = this.occupancy.enter(handle)) {
							Thread.sleep(2);
						}
						done.incrementAndGet();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> thread : running) {
				thread.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.occupancy.violations()).isEmpty();
		assertThat(done).hasValue(processes.size() * threads * rounds);
		keys.forEach(this::assertNothingLeft);
	}

	/**
	 * The highest fencing token these scenarios saw for a key.
	 * @param key the lock key
	 * @return the token, 0 if none
	 */
	long lastToken(String key) {
		return this.tokens.getOrDefault(key, 0L);
	}

	/**
	 * Asserts that {@code key}'s hash is gone from its primary.
	 * @param key the lock key
	 */
	void assertNothingLeft(String key) {
		String redisKey = redisKey(key);
		assertThat(this.primaryOf.apply(redisKey).command("EXISTS", redisKey)).as("'%s' after release", redisKey)
			.isEqualTo(0L);
	}

	/**
	 * A request for {@code key} of the default kind, a mutex.
	 * @param key the lock key
	 * @return the request
	 */
	static LockRequest request(String key) {
		return LockRequest.of(key, TTL).withWaitTime(WAIT);
	}

	/**
	 * One of the kinds, by turn: a mutex, two shares, then a permit of two.
	 */
	private static LockRequest ofKind(int turn, LockRequest request) {
		return switch (turn % 4) {
			case 0 -> request;
			case 3 -> request.withPermits(2);
			default -> request.withMode(LockMode.SHARED);
		};
	}

	/**
	 * Asserts that {@code handle} is acquired with a token above every earlier one of its key.
	 */
	private LockHandle granted(LockHandle handle) {
		Kind kind = Kind.of(handle);
		assertThat(handle.await().status()).as("%s of '%s'", kind, handle.key()).isEqualTo(LockStatus.ACQUIRED);
		long previous = lastToken(handle.key());
		assertThat(handle.fencingToken()).as("token of %s of '%s'", kind, handle.key()).isGreaterThan(previous);
		this.tokens.put(handle.key(), handle.fencingToken());
		return handle;
	}

	/**
	 * Enters {@code handle}'s section as soon as it is granted, on the thread that grants it, so
	 * that a grant beside a section still inside shows.
	 */
	private CompletableFuture<Section> enterOnGrant(LockHandle handle) {
		return handle.result().thenApply((result) -> result.acquired() ? this.occupancy.enter(handle) : () -> {
		});
	}

	private static void assertWokenPromptly(LockHandle waiter, long releasedNanos) {
		LockResult result = waiter.await();
		Duration after = Duration.ofNanos(System.nanoTime() - releasedNanos);
		assertThat(result.status()).as("%s of '%s'", Kind.of(waiter), waiter.key()).isEqualTo(LockStatus.ACQUIRED);
		assertThat(after).as("%s of '%s' woken by the release notice", Kind.of(waiter), waiter.key())
			.isLessThan(WAKE_BOUND);
	}

	/**
	 * Waits for a waiter's field on {@code key}'s hash and for a subscription to its channel, so
	 * that a release now is heard.
	 */
	private void awaitWaiting(String key, String fieldPrefix) {
		String redisKey = redisKey(key);
		awaitField(this.primaryOf.apply(redisKey), key, fieldPrefix);
		List<RedisServer> servers = this.primaries.get();
		ClusterIntegrationTests.awaitUntil(() -> subscribers(servers, redisKey) > 0, "a subscription to " + redisKey);
	}

	/**
	 * Waits for a field of {@code key}'s hash whose name starts with {@code fieldPrefix}, such as
	 * a waiter's: {@code w:} of a mutex, {@code v} of a share or permit (see acquire.lua and
	 * acquire_shared.lua).
	 * @param primary the primary that serves the key
	 * @param key the lock key
	 * @param fieldPrefix the start of the field's name
	 */
	static void awaitField(RedisServer primary, String key, String fieldPrefix) {
		String redisKey = redisKey(key);
		ClusterIntegrationTests.awaitUntil(
				() -> ((List<?>) primary.command("HKEYS", redisKey)).stream()
					.anyMatch((field) -> ((String) field).startsWith(fieldPrefix)),
				"a field " + fieldPrefix + " on " + redisKey);
	}

	private static long subscribers(List<RedisServer> servers, String channel) {
		long subscribers = 0;
		for (RedisServer server : servers) {
			subscribers += (Long) ((List<?>) server.command("PUBSUB", "NUMSUB", channel)).get(1);
			if (Integer.parseInt(server.version().split("\\.")[0]) >= 7) {
				subscribers += (Long) ((List<?>) server.command("PUBSUB", "SHARDNUMSUB", channel)).get(1);
			}
		}
		return subscribers;
	}

}
