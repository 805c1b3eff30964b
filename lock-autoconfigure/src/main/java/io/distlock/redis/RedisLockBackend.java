package io.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.distlock.core.spi.AcquireOutcome;
import io.distlock.core.spi.LockBackend;
import io.distlock.core.spi.ReleaseOutcome;
import io.distlock.core.spi.ReleaseWatch;
import io.distlock.core.spi.RenewalOutcome;

/**
 * Locks as Redis hashes, one key per lock and every script on that one key (so one hash slot on
 * a cluster). The key lives only while the lock is held or reserved, so nothing is left behind.
 */
final class RedisLockBackend implements LockBackend {

	private static final byte[] EMPTY = new byte[0];

	private final ScriptRunner scripts;

	private final @Nullable AcknowledgedScripts acknowledged;

	private final int replicaAcks;

	private final byte[] publishCommand;

	private final ReleaseNotifications subscriber;

	private final String keyPrefix;

	private final byte[] processId;

	private final byte[] fairHandOverWindow;

	RedisLockBackend(RedisConnectionFactory connectionFactory, RedisLockOptions options) {
		this.scripts = new ScriptRunner(connectionFactory);
		this.keyPrefix = options.keyPrefix();
		byte[] random = new byte[8];
		new SecureRandom().nextBytes(random);
		String id = HexFormat.of().formatHex(random);
		this.processId = bytes(id);
		this.fairHandOverWindow = millis(options.fairHandOverWindow());
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
		byte[] redisKey = redisKey(key);
		byte[][] args = { bytes(owner), millis(ttl), this.processId, millis(waitRemaining) };
		long reply;
		if (this.acknowledged != null) {
			AcknowledgedScripts.Acknowledged outcome = this.acknowledged.run(LockScript.ACQUIRE, redisKey, args);
			reply = outcome.reply();
			if (reply > 0 && outcome.replicas() < this.replicaAcks) {
				// Too few copies to survive a failover: give the lock back and let the caller retry.
				release(key, owner, reply, null);
				return AcquireOutcome.busy(Duration.ZERO);
			}
		}
		else {
			reply = this.scripts.run(LockScript.ACQUIRE, redisKey, args);
		}
		return (reply > 0) ? AcquireOutcome.acquired(reply) : AcquireOutcome.busy(Duration.ofMillis(-1 - reply));
	}

	@Override
	public ReleaseOutcome release(String key, String owner, long fencingToken, @Nullable HandOff handOff) {
		// A hand-off inside the release script would be an acquisition no replica acknowledged.
		HandOff next = (this.replicaAcks > 0) ? null : handOff;
		long reply = this.scripts.run(LockScript.RELEASE, redisKey(key), bytes(owner), this.processId,
				(next != null) ? bytes(next.owner()) : EMPTY, (next != null) ? millis(next.ttl()) : EMPTY,
				this.fairHandOverWindow, this.publishCommand, bytes(Long.toString(fencingToken)));
		if (reply > 0) {
			return ReleaseOutcome.handedOff(reply);
		}
		return (reply == 0) ? ReleaseOutcome.RELEASED : ReleaseOutcome.NOT_OWNER;
	}

	/**
	 * Yes: tokens come from the server clock in microseconds, and a release that finds a token
	 * at or beyond the clock keeps it as the floor until the clock has passed it.
	 */
	@Override
	public boolean handsOffInMemory() {
		return true;
	}

	@Override
	public void abandon(String key) {
		this.scripts.run(LockScript.ABANDON, redisKey(key), this.processId);
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
				outcomes.add((outcome.reply() != 1) ? RenewalOutcome.REFUSED
						: (outcome.replicas() < this.replicaAcks) ? RenewalOutcome.UNACKNOWLEDGED : RenewalOutcome.RENEWED);
			}
			return outcomes;
		}
		for (long reply : this.scripts.runAll(LockScript.RENEW, calls)) {
			outcomes.add((reply == 1) ? RenewalOutcome.RENEWED : RenewalOutcome.REFUSED);
		}
		return outcomes;
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

}
