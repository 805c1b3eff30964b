package io.distlock.faults;

import java.time.Duration;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.distlock.core.LockHandle;
import io.distlock.core.LockRequest;
import io.distlock.crossprocess.Backend;
import io.distlock.crossprocess.LockKind;
import io.distlock.crossprocess.LockTarget;
import io.distlock.crossprocess.LockWorker;
import io.distlock.crossprocess.LockWorkers;
import io.distlock.redis.Witness;
import io.distlock.redis.WitnessedRedis;
import io.distlock.testsupport.JavaProcess;
import io.distlock.zookeeper.ZooKeeperServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for shared locks and permits of every {@link Backend} when the {@link LockWorker} JVM
 * holding one is killed ({@code SIGKILL}) or frozen ({@code SIGSTOP}) past its lease, the
 * fenced writes judged by an independent {@link Witness}.
 */
class LockKindsFaultIntegrationTests {

	private static final Duration STARTUP = Duration.ofSeconds(30);

	/** How late a holder's last renewal and the next holder's wake-up may be beyond the bounds. */
	private static final Duration SLACK = Duration.ofMillis(250);

	private static final Duration KILL_TTL = Duration.ofSeconds(2);

	private static final Duration PAUSE_TTL = Duration.ofSeconds(1);

	private static final LockKind TWO_PERMITS = LockKind.permits(2);

	@RegisterExtension
	static final WitnessedRedis redis = new WitnessedRedis();

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	@RegisterExtension
	final LockWorkers workers = new LockWorkers(redis, zookeeper);

	@ParameterizedTest
	@EnumSource
	void killedShareHolderLetsAWriterInOnceItsTtlOrSessionRanOut(Backend backend) throws Exception {
		killAndTakeOver(backend, hold(backend, "crashed-share", KILL_TTL, LockKind.SHARED), LockKind.MUTEX);
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@ParameterizedTest
	@EnumSource
	void killedShareHolderLetsAWriterInOnceItsTtlOrSessionRanOutThoughALongerShareCameAndWent(Backend backend)
			throws Exception {
		Holder holder = hold(backend, "crashed-share", KILL_TTL, LockKind.SHARED);
		try (LockTarget.Opened reader = open(backend)) {
			// A share of a longer lease comes and goes: the key must not live on for that lease.
			reader.locks().acquire(LockKind.SHARED.of(LockRequest.of("crashed-share", Duration.ofSeconds(30)))).unlock();
		}
		killAndTakeOver(backend, holder, LockKind.MUTEX);
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@ParameterizedTest
	@EnumSource
	void killedPermitHolderFreesItsPermitOnceItsTtlOrSessionRanOut(Backend backend) throws Exception {
		try (LockTarget.Opened survivor = open(backend);
				LockHandle kept = survivor.locks().acquire(TWO_PERMITS.of(request("crashed-permit")))) {
			killAndTakeOver(backend, hold(backend, "crashed-permit", KILL_TTL, TWO_PERMITS), TWO_PERMITS);
			assertThat(kept.isHeld()).as("the other permit").isTrue();
		}
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@ParameterizedTest
	@EnumSource
	void pausedShareHolderLearnsItLostItsShareAndItsFencedWriteIsRefused(Backend backend) throws Exception {
		pauseAndFenceOff(backend, hold(backend, "paused-share", PAUSE_TTL, LockKind.SHARED), LockKind.MUTEX);
		backend.awaitNothingLeft(redis, zookeeper);
	}

	@ParameterizedTest
	@EnumSource
	void pausedPermitHolderLearnsItLostItsPermitAndItsFencedWriteIsRefused(Backend backend) throws Exception {
		try (LockTarget.Opened survivor = open(backend);
				LockHandle kept = survivor.locks().acquire(TWO_PERMITS.of(request("paused-permit")))) {
			pauseAndFenceOff(backend, hold(backend, "paused-permit", PAUSE_TTL, TWO_PERMITS), TWO_PERMITS);
			assertThat(kept.isHeld()).as("the other permit").isTrue();
		}
		backend.awaitNothingLeft(redis, zookeeper);
	}

	/**
	 * Starts a worker that holds {@code key} as {@code kind} with renewal.
	 */
	private Holder hold(Backend backend, String key, Duration ttl, LockKind kind) {
		JavaProcess process = this.workers.start(backend, "hold", key, ttl.toMillis(), kind.spec());
		String held = process.awaitLine((line) -> line.startsWith("HELD"), STARTUP);
		return new Holder(process, key, ttl, Long.parseLong(held.substring("HELD ".length())));
	}

	/**
	 * Kills the holder and takes its key as {@code asked}.
	 */
	private static void killAndTakeOver(Backend backend, Holder holder, LockKind asked) throws Exception {
		try (LockTarget.Opened contender = open(backend)) {
			holder.process().kill();
			try (LockHandle next = takeOver(backend, contender, holder, asked, System.nanoTime())) {
				assertThat(next.fencingToken()).isGreaterThan(holder.token());
			}
		}
	}

	/**
	 * Freezes the holder, takes its key as {@code asked} and writes with that token, then
	 * resumes the holder, which must learn that its lease is lost and see its own fenced write
	 * refused.
	 */
	private static void pauseAndFenceOff(Backend backend, Holder holder, LockKind asked) throws Exception {
		JavaProcess process = holder.process();
		// Past its lease on Redis; past its session, which the server then expires, on ZooKeeper.
		process.pause();
		long pausedAt = System.nanoTime();
		try (LockTarget.Opened contender = open(backend);
				Witness witness = new Witness(redis.witness().host(), redis.witness().port());
				LockHandle current = takeOver(backend, contender, holder, asked, pausedAt)) {
			assertThat(current.fencingToken()).isGreaterThan(holder.token());
			assertThat(witness.fencedWrite(current.fencingToken())).isTrue();
			process.resume();
			process.awaitLine("LOST"::equals, STARTUP);
			assertThat(process.awaitLine((line) -> line.startsWith("FENCED"), STARTUP)).isEqualTo("FENCED false");
			assertThat(process.waitFor(STARTUP)).isZero();
			assertThat(witness.count("fenced-refused")).isOne();
			assertThat(current.isHeld()).as("the new holder's lock after the stale one's unlock").isTrue();
		}
	}

	/**
	 * Takes the holder's key as {@code asked}, which the holder, stopped (killed or frozen) at
	 * {@code stoppedAt}, keeps from it until its lease or session runs out: no sooner than the
	 * least that lease can have left, and within a second of the most.
	 */
	private static LockHandle takeOver(Backend backend, LockTarget.Opened contender, Holder holder, LockKind asked,
			long stoppedAt) {
		LockHandle next = contender.locks().acquire(asked.of(request(holder.key())));
		Duration freedAfter = Duration.ofNanos(System.nanoTime() - stoppedAt);
		System.out.println(asked.spec() + " of '" + holder.key() + "' taken over on " + backend + " after "
				+ freedAfter.toMillis() + "ms");
		assertThat(freedAfter).as("from the holder's stop to the next holder")
			.isBetween(backend.freedNoSoonerThan(holder.ttl()).minus(SLACK),
					backend.freedAfter(holder.ttl()).plusSeconds(1));
		return next;
	}

	private static LockTarget.Opened open(Backend backend) {
		return backend.target(redis, zookeeper).open();
	}

	private static LockRequest request(String key) {
		return LockRequest.of(key, Duration.ofSeconds(10)).withWaitTime(Duration.ofSeconds(10));
	}

	/**
	 * A worker JVM holding a key.
	 *
	 * @param process the worker
	 * @param key the key it holds
	 * @param ttl its lease, renewed
	 * @param token its fencing token
	 */
	private record Holder(JavaProcess process, String key, Duration ttl, long token) {
	}

}
