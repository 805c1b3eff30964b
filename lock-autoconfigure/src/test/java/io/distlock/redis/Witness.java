package io.distlock.redis;

import java.time.Duration;
import java.util.List;

import redis.clients.jedis.Jedis;

import io.distlock.core.LockMode;

/**
 * An independent record of critical sections, kept in a Redis server the locks do not use:
 * entries and exits count occupancy (a count above one is an overlap), a deliberately
 * non-atomic read-modify-write counter loses increments when sections overlap, a fenced write
 * accepts only tokens higher than every token seen, and each section can be logged with its
 * {@link System#nanoTime() monotonic} start and end for an offline check ({@link SectionLog}).
 * Sections of a shared lock or of permits are entered and left by {@link LockMode}: each mode
 * has its own occupancy, its most at once and its count of sections completed, and every entry
 * checks, atomically in the witness's Redis, that no holder of the other mode is inside and no
 * more exclusive holders than the permits.
 * On Linux {@code nanoTime} reads {@code CLOCK_MONOTONIC}, one clock for every process of the
 * machine, so sections of different worker JVMs compare.
 * <p>
 * Every key lives under the witness's namespace and, per lock, under the lock's name; the
 * methods without a lock name use the namespace alone.
 */
public final class Witness implements AutoCloseable {

	private static final String FENCED_WRITE = """
			local highest = tonumber(redis.call('GET', KEYS[1]) or '0')
			if tonumber(ARGV[1]) > highest then
			  redis.call('SET', KEYS[1], ARGV[1])
			  return 1
			end
			redis.call('INCR', KEYS[2])
			return 0
			""";

	private static final String ENTER_KIND = """
			local inside = redis.call('INCR', KEYS[1])
			if inside > tonumber(redis.call('GET', KEYS[3]) or '0') then
			  redis.call('SET', KEYS[3], inside)
			end
			local violated = 0
			if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
			  redis.call('INCR', KEYS[4])
			  violated = 1
			end
			if tonumber(ARGV[1]) > 0 and inside > tonumber(ARGV[1]) then
			  redis.call('INCR', KEYS[5])
			  violated = 1
			end
			if violated == 1 then
			  redis.call('INCR', KEYS[6])
			end
			return violated
			""";

	private static final String EXIT_KIND = """
			redis.call('DECR', KEYS[1])
			redis.call('INCR', KEYS[2])
			""";

	private final Jedis jedis;

	private final String namespace;

	public Witness(String host, int port) {
		this(host, port, "");
	}

	/**
	 * A witness whose keys live under {@code namespace}, so that a killed worker of another
	 * test, whose last write may still arrive, cannot disturb them.
	 */
	public Witness(String host, int port, String namespace) {
		this.jedis = new Jedis(host, port);
		this.namespace = namespace;
	}

	/**
	 * Records an entry.
	 * @return whether another section was inside at the same time
	 */
	public boolean enter() {
		return enter("");
	}

	/**
	 * Records an entry into a section of {@code lock}; an overlap is also counted under
	 * {@code overlaps} of the namespace, whatever the lock.
	 * @return whether another section of the same lock was inside at the same time
	 */
	public boolean enter(String lock) {
		if (this.jedis.incr(key(lock, "occupancy")) > 1) {
			this.jedis.incr(this.namespace + "overlaps");
			return true;
		}
		return false;
	}

	public void exit() {
		exit("");
	}

	public void exit(String lock) {
		this.jedis.decr(key(lock, "occupancy"));
	}

	/**
	 * Records an entry into a section of {@code lock} held in {@code mode}, counting a violation
	 * (also under {@code overlaps} of the namespace) under {@code beside-other:<lock>} when a
	 * holder of the other mode is inside, and under {@code beyond-permits:<lock>} when an
	 * exclusive holder makes more than {@code permits} of them inside.
	 * @param lock the lock's name
	 * @param mode how the section holds the lock
	 * @param permits how many exclusive holders may be inside at once; ignored when shared
	 * @return whether the entry was a violation
	 */
	public boolean enter(String lock, LockMode mode, int permits) {
		LockMode other = (mode == LockMode.SHARED) ? LockMode.EXCLUSIVE : LockMode.SHARED;
		List<String> keys = List.of(key(lock, "occupancy-" + mode.tagValue()), key(lock, "occupancy-" + other.tagValue()),
				key(lock, "most-" + mode.tagValue()), key(lock, "beside-other"), key(lock, "beyond-permits"),
				this.namespace + "overlaps");
		int limit = (mode == LockMode.SHARED) ? 0 : permits;
		return (Long) this.jedis.eval(ENTER_KIND, keys, List.of(Integer.toString(limit))) == 1;
	}

	/**
	 * Records the end of a section of {@code lock} held in {@code mode}, entered with
	 * {@link #enter(String, LockMode, int)}.
	 * @param lock the lock's name
	 * @param mode how the section held the lock
	 */
	public void exit(String lock, LockMode mode) {
		this.jedis.eval(EXIT_KIND,
				List.of(key(lock, "occupancy-" + mode.tagValue()), key(lock, "completed-" + mode.tagValue())),
				List.of());
	}

	/**
	 * The most sections of {@code lock} held in {@code mode} that were inside at once.
	 * @param lock the lock's name
	 * @param mode how they held the lock
	 * @return the peak, 0 if none entered
	 */
	public long mostInside(String lock, LockMode mode) {
		return count(lock, "most-" + mode.tagValue());
	}

	/**
	 * How many sections of {@code lock} held in {@code mode} were left.
	 * @param lock the lock's name
	 * @param mode how they held the lock
	 * @return the count
	 */
	public long completed(String lock, LockMode mode) {
		return count(lock, "completed-" + mode.tagValue());
	}

	public void increment(long pauseMillis) throws InterruptedException {
		increment("", pauseMillis);
	}

	/**
	 * Adds one to the counter of {@code lock} by a GET, a pause and a SET, so that overlapping
	 * sections lose increments.
	 */
	public void increment(String lock, long pauseMillis) throws InterruptedException {
		String counter = key(lock, "counter");
		String value = this.jedis.get(counter);
		long current = (value != null) ? Long.parseLong(value) : 0;
		if (pauseMillis > 0) {
			Thread.sleep(pauseMillis);
		}
		this.jedis.set(counter, Long.toString(current + 1));
	}

	public boolean fencedWrite(long token) {
		return fencedWrite("", token);
	}

	/**
	 * Writes to the fenced store of {@code lock}, which accepts only a token higher than every
	 * token it accepted before; a refusal is counted under {@code fenced-refused}.
	 * @return whether the write was accepted
	 */
	public boolean fencedWrite(String lock, long token) {
		return (Long) this.jedis.eval(FENCED_WRITE, List.of(key(lock, "fenced"), key(lock, "fenced-refused")),
				List.of(Long.toString(token))) == 1;
	}

	/**
	 * Logs a section of {@code lock} held with {@code token} from {@code startNanos} to
	 * {@code endNanos} ({@link System#nanoTime()}).
	 */
	public void log(String lock, long token, long startNanos, long endNanos) {
		this.jedis.rpush(key(lock, "sections"), startNanos + " " + endNanos + " " + token);
	}

	/**
	 * Reads the sections logged for {@code lock}.
	 * @return the log
	 */
	public SectionLog sections(String lock) {
		return SectionLog.parse(this.jedis.lrange(key(lock, "sections"), 0, -1));
	}

	/**
	 * Appends an event, such as {@code <pid> <token> <nanoTime>}, to the list {@code name}.
	 */
	public void announce(String name, String event) {
		this.jedis.rpush(this.namespace + name, event);
	}

	/**
	 * Takes the oldest event of the list {@code name}, waiting for one.
	 * @param timeout how long to wait, in whole seconds (at least one)
	 * @return the event, or {@code null} if none came in time
	 */
	public String nextEvent(String name, Duration timeout) {
		List<String> popped = this.jedis.blpop((int) Math.max(1, timeout.toSeconds()), this.namespace + name);
		return (popped != null) ? popped.get(1) : null;
	}

	public long count(String name) {
		return count("", name);
	}

	/**
	 * Reads a counter of {@code lock}, such as {@code counter} or {@code fenced-refused}.
	 * @return its value, 0 if never written
	 */
	public long count(String lock, String name) {
		String value = this.jedis.get(key(lock, name));
		return (value != null) ? Long.parseLong(value) : 0;
	}

	private String key(String lock, String name) {
		return this.namespace + (lock.isEmpty() ? name : name + ":" + lock);
	}

	@Override
	public void close() {
		this.jedis.close();
	}

}
