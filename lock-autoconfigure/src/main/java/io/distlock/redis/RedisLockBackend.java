package io.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.distlock.core.HeldLock;
import io.distlock.core.HeldLocksPage;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.core.LockSettings;
import io.distlock.core.spi.AcquireOutcome;
import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.ReleaseOutcome;
import io.distlock.core.spi.ReleaseWatch;
import io.distlock.core.spi.RenewalOutcome;

/**
 * Locks as Redis hashes, one key per lock; every script runs on that key and, when it gives out
 * a fencing token, on the fencing floor of the key's hash slot (see {@link FencingFloors}). A
 * lock's key lives only while the lock is held or reserved; the floors, one per slot in use, are
 * all that stays.
 */
final class RedisLockBackend implements LockBackend {

	private static final byte[] EMPTY = new byte[0];

	private static final byte[] SHARE = bytes("s");

	private static final byte[] PERMIT = bytes("p");

	private static final byte[] FLOOR_RESERVE = bytes(Integer.toString(LockSettings.MAX_LOCAL_HAND_OFFS));

	private final ScriptRunner scripts;

	private final @Nullable AcknowledgedScripts acknowledged;

	private final int replicaAcks;

	private final byte[] publishCommand;

	private final ReleaseNotifications subscriber;

	private final String keyPrefix;

	private final FencingFloors floors;

	private final byte[] processId;

	private final byte[] fairHandOverWindow;

	private final byte[] holder;

	private final RedisLockInventory inventory;

	RedisLockBackend(RedisConnectionFactory connectionFactory, RedisLockOptions options) {
		this.scripts = new ScriptRunner(connectionFactory);
		this.keyPrefix = options.keyPrefix();
		this.floors = FencingFloors.of(connectionFactory, this.keyPrefix);
		byte[] random = new byte[8];
		new SecureRandom().nextBytes(random);
		String id = HexFormat.of().formatHex(random);
		this.processId = bytes(id);
		this.fairHandOverWindow = millis(options.fairHandOverWindow());
		this.holder = bytes(options.holder());
		this.inventory = new RedisLockInventory(connectionFactory, this.keyPrefix);
		this.replicaAcks = options.replicaAcks();
		this.acknowledged = (this.replicaAcks > 0)
				? new AcknowledgedScripts(connectionFactory, this.replicaAcks, options.replicaAckTimeout()) : null;
		PubSubSelection pubSub = PubSubSelection.select(connectionFactory, this.keyPrefix + "__distlock__:" + id);
		this.publishCommand = pubSub.publishCommand();
		this.subscriber = pubSub.notifications();
	}

	@Override
	public void start() {
		this.subscriber.start();
	}

	@Override
	public AcquireOutcome tryAcquire(String key, String owner, Duration ttl, Duration waitRemaining) {
		return tryAcquire(new Attempt(key, owner, ttl, LockRequest.UNNAMED), waitRemaining);
	}

	/**
	 * A mutex by {@code acquire.lua}; a share or a permit by {@code acquire_shared.lua}, as a field
	 * of the same hash, so every kind of a key stays in one hash slot.
	 */
	@Override
	public AcquireOutcome tryAcquire(Attempt attempt, Duration waitRemaining) {
		String key = attempt.key();
		String owner = attempt.owner();
		byte[] redisKey = redisKey(key);
		LockScript script;
		byte[][] args;
		if (attempt.isMutex()) {
			script = LockScript.ACQUIRE;
			args = new byte[][] { bytes(owner), millis(attempt.ttl()), this.processId, millis(waitRemaining),
					FLOOR_RESERVE, this.holder, bytes(attempt.name()) };
		}
		else {
			script = LockScript.ACQUIRE_SHARED;
			args = new byte[][] { bytes(owner), millis(attempt.ttl()), (attempt.mode() == LockMode.SHARED) ? SHARE : PERMIT,
					bytes(Integer.toString(attempt.permits())), millis(waitRemaining), bytes(attempt.name()) };
		}
		long reply;
		if (this.acknowledged != null) {
			AcknowledgedScripts.Acknowledged outcome = withFloor(script, redisKey, args,
					(withKeys, keysAndArgs) -> this.acknowledged.run(withKeys, redisKey, keysAndArgs));
			reply = outcome.reply();
			if (reply > 0 && outcome.replicas() < this.replicaAcks) {
				// Too few copies to survive a failover: give the lock back and let the caller retry.
				release(key, owner, reply, null);
				return AcquireOutcome.busy(Duration.ZERO);
			}
		}
		else {
			reply = withFloor(script, redisKey, args,
					(withKeys, keysAndArgs) -> this.scripts.run(withKeys, redisKey, keysAndArgs));
		}
		return (reply > 0) ? AcquireOutcome.acquired(reply) : AcquireOutcome.busy(Duration.ofMillis(-1 - reply));
	}

	/**
	 * The key's hash slot on a cluster, else one group for every key; none with replica
	 * acknowledgements, which are awaited per lock.
	 */
	@Override
	public int acquireGroup(String key) {
		return (this.replicaAcks > 0) ? -1 : this.floors.slotOf(redisKey(key));
	}

	/**
	 * One script call. While a cluster migrates the slot it refuses scripts on several keys
	 * ({@code TRYAGAIN}); the first key is then tried alone.
	 */
	@Override
	public List<AcquireOutcome> tryAcquireAll(List<Attempt> attempts, Duration waitRemaining) {
		int count = attempts.size();
		byte[][] keysAndArgs = new byte[1 + count + 4 + 3 * count][];
		keysAndArgs[1 + count] = this.processId;
		keysAndArgs[2 + count] = millis(waitRemaining);
		keysAndArgs[3 + count] = FLOOR_RESERVE;
		keysAndArgs[4 + count] = this.holder;
		for (int i = 0; i < count; i++) {
			Attempt attempt = attempts.get(i);
			keysAndArgs[1 + i] = redisKey(attempt.key());
			keysAndArgs[5 + count + 3 * i] = bytes(attempt.owner());
			keysAndArgs[6 + count + 3 * i] = millis(attempt.ttl());
			keysAndArgs[7 + count + 3 * i] = bytes(attempt.name());
		}
		keysAndArgs[0] = this.floors.of(keysAndArgs[1]);
		long[] reply;
		try {
			reply = this.scripts.runForIntegers(LockScript.ACQUIRE_ALL.withKeyCount(1 + count), keysAndArgs);
		}
		catch (RuntimeException ex) {
			if (!ScriptRunner.isTryAgain(ex)) {
				throw ex;
			}
			return List.of(tryAcquire(attempts.get(0), waitRemaining));
		}
		List<AcquireOutcome> outcomes = new ArrayList<>(count);
		for (int i = 0; i < reply[0]; i++) {
			outcomes.add(AcquireOutcome.acquired(reply[1]));
		}
		if (reply[2] < 0) {
			outcomes.add(AcquireOutcome.busy(Duration.ofMillis(-1 - reply[2])));
		}
		return outcomes;
	}

	@Override
	public ReleaseOutcome release(String key, String owner, long fencingToken, @Nullable HandOff handOff) {
		// A hand-off inside the release script would be an acquisition no replica acknowledged.
		HandOff next = (this.replicaAcks > 0) ? null : handOff;
		byte[] redisKey = redisKey(key);
		byte[][] args = { bytes(owner), this.processId, (next != null) ? bytes(next.owner()) : EMPTY,
				(next != null) ? millis(next.ttl()) : EMPTY, this.fairHandOverWindow, this.publishCommand,
				bytes(Long.toString(fencingToken)), FLOOR_RESERVE };
		long reply = withFloor(LockScript.RELEASE, redisKey, args,
				(script, keysAndArgs) -> this.scripts.run(script, redisKey, keysAndArgs));
		if (reply > 0) {
			return ReleaseOutcome.handedOff(reply);
		}
		return (reply == 0) ? ReleaseOutcome.RELEASED : ReleaseOutcome.NOT_OWNER;
	}

	/**
	 * Runs a script on the lock's key and its slot's fencing floor; while a cluster migrates the
	 * slot and refuses the two keys ({@code TRYAGAIN}), on the lock's key alone, which follows the
	 * migration as any single-key command does.
	 */
	private <T> T withFloor(LockScript script, byte[] redisKey, byte[][] args, ScriptCall<T> call) {
		byte[][] floorAndArgs = new byte[args.length + 1][];
		floorAndArgs[0] = this.floors.of(redisKey);
		System.arraycopy(args, 0, floorAndArgs, 1, args.length);
		try {
			return call.run(script, floorAndArgs);
		}
		catch (RuntimeException ex) {
			if (!ScriptRunner.isTryAgain(ex)) {
				throw ex;
			}
			return call.run(script.withKeyCount(1), args);
		}
	}

	/**
	 * Yes: shares and permits are fields of the lock's hash, released and renewed by owner token
	 * by the same scripts as a mutex.
	 */
	@Override
	public boolean supportsLockKinds() {
		return true;
	}

	/**
	 * Yes: each grant raises its slot's fencing floor past every token its lease's in-memory
	 * hand-offs can reach ({@link LockSettings#MAX_LOCAL_HAND_OFFS}).
	 */
	@Override
	public boolean handsOffInMemory() {
		return true;
	}

	@Override
	public void abandon(String key) {
		this.scripts.run(LockScript.ABANDON, redisKey(key), this.processId, this.publishCommand);
	}

	@Override
	public boolean renew(String key, String owner, Duration ttl) {
		return this.scripts.run(LockScript.RENEW, redisKey(key), bytes(owner), millis(ttl)) == 1;
	}

	/**
	 * Pipelined: one round trip per Redis node for the whole batch. With replica acknowledgements
	 * each renewal is followed by its own {@code WAIT}, and one too few replicas acknowledged counts
	 * as {@link RenewalOutcome#UNACKNOWLEDGED}.
	 */
	@Override
	public List<RenewalOutcome> renewAll(List<Renewal> renewals) {
		List<byte[][]> calls = new ArrayList<>(renewals.size());
		for (Renewal renewal : renewals) {
			calls.add(new byte[][] { redisKey(renewal.key()), bytes(renewal.owner()), millis(renewal.ttl()) });
		}
		List<RenewalOutcome> outcomes = new ArrayList<>(renewals.size());
		if (this.acknowledged != null) {
			for (byte[][] call : calls) {
				AcknowledgedScripts.Acknowledged outcome = this.acknowledged.run(LockScript.RENEW, call[0], call[1],
						call[2]);
				RenewalOutcome renewal = renewal(outcome.reply());
				outcomes.add((renewal == RenewalOutcome.RENEWED && outcome.replicas() < this.replicaAcks)
						? RenewalOutcome.UNACKNOWLEDGED : renewal);
			}
			return outcomes;
		}
		for (long reply : this.scripts.runAll(LockScript.RENEW, calls)) {
			outcomes.add(renewal(reply));
		}
		return outcomes;
	}

	private static RenewalOutcome renewal(long reply) {
		return (reply == 1) ? RenewalOutcome.RENEWED : (reply == -1) ? RenewalOutcome.EVICTED : RenewalOutcome.REFUSED;
	}

	/**
	 * One script call: it keeps the evicted owner beside the lock for its renewal to read, and
	 * publishes the release as the holder's own release would.
	 */
	@Override
	public @Nullable ForcedRelease forceRelease(String key) {
		List<?> reply = this.scripts.runForList(LockScript.FORCE_RELEASE,
				new byte[][] { redisKey(key), this.publishCommand });
		if (reply.isEmpty()) {
			return null;
		}
		HeldLock lock = new HeldLock(key, recorded(reply.get(4)), recorded(reply.get(3)),
				ScriptRunner.toLong(reply.get(0)), Duration.ofMillis(ScriptRunner.toLong(reply.get(1))),
				RedisLockInventory.mode(text(reply.get(6))), (int) ScriptRunner.toLong(reply.get(2)),
				(int) ScriptRunner.toLong(reply.get(7)));
		return new ForcedRelease(lock, text(reply.get(5)));
	}

	private static @Nullable String recorded(Object value) {
		String text = text(value);
		return text.isEmpty() ? null : text;
	}

	private static String text(Object value) {
		return (value instanceof byte[] raw) ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	@Override
	public HeldLocksPage heldLocks(@Nullable String cursor, int limit) {
		return this.inventory.page(cursor, limit);
	}

	@Override
	public void check() {
		this.scripts.run(LockScript.RENEW, redisKey("__distlock__:health"), this.processId, bytes("1"));
	}

	@Override
	public ReleaseWatch watch(String key, Runnable onRelease) {
		return this.subscriber.watch(this.keyPrefix + key, onRelease);
	}

	@Override
	public void close() {
		this.subscriber.close();
	}

	private byte[] redisKey(String key) {
		return bytes(this.keyPrefix + key);
	}

	private static byte[] millis(Duration duration) {
		return bytes(Long.toString(Math.max(1, duration.toMillis())));
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/** One way of running a script on the lock's key: plain or followed by {@code WAIT}. */
	@FunctionalInterface
	private interface ScriptCall<T> {

		T run(LockScript script, byte[][] otherKeysAndArgs);

	}

}
