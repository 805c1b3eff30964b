package io.distlock.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.distlock.core.LockHandle;
import io.distlock.core.LockListener;
import io.distlock.core.LockMode;
import io.distlock.core.LockRequest;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@code distlock.*} meters under real contention on a real redis-server, recorded
 * either way: by {@link MicrometerLockListener} directly, or by {@link ObservationLockListener}
 * through Micrometer's {@link DefaultMeterObservationHandler} with {@link LostLeaseCounter}.
 */
@ParameterizedClass
@EnumSource(LockMetersIntegrationTests.MeterPath.class)
class LockMetersIntegrationTests {

	/** The two ways the meters can be recorded. */
	enum MeterPath {

		DIRECT {

			@Override
			LockListener listener(MeterRegistry registry) {
				return new MicrometerLockListener(registry);
			}

		},

		OBSERVATION {

			@Override
			LockListener listener(MeterRegistry registry) {
				ObservationRegistry observations = ObservationRegistry.create();
				observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(registry));
				return LockListener.of(List.of(new ObservationLockListener(observations), new LostLeaseCounter(registry)));
			}

		};

		abstract LockListener listener(MeterRegistry registry);

	}

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@Parameter
	MeterPath path;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private ContendedLocks locks;

	@BeforeEach
	void start() {
		this.locks = ContendedLocks.start(redis.server(), this.path.listener(this.registry));
	}

	@AfterEach
	void stop() {
		this.locks.close();
	}

	private long acquireCount(String name, String outcome, boolean contended) {
		// Of mutexes, so that every count checks their mode tag too.
		return samples("distlock.acquire", "name", name, "outcome", outcome, "contended", Boolean.toString(contended),
				"mode", "exclusive");
	}

	private long samples(String meter, String... tags) {
		// Summed over the tags not asked for (the observation path's error tag), absent counting as none.
		return this.registry.find(meter).tags(tags).timers().stream().mapToLong(Timer::count).sum();
	}

	private long active(String meter, String name) {
		return this.registry.get(meter).tag("name", name).longTaskTimer().activeTasks();
	}

	@Test
	void recordsEachOutcomeWithContention() throws Exception {
		this.locks.everyOutcome("pay", (step, handle) -> {
			switch (step) {
				case ACQUIRED_FREE -> {
					assertThat(acquireCount("pay", "acquired", false)).isEqualTo(1);
					assertThat(active("distlock.held.active", "pay")).isEqualTo(1);
				}
				case RELEASED -> {
					assertThat(samples("distlock.held", "name", "pay", "mode", "exclusive")).isEqualTo(1);
					assertThat(active("distlock.held.active", "pay")).isZero();
				}
				case TIMED_OUT -> assertThat(acquireCount("pay", "timed_out", true)).isEqualTo(1);
				case WAITING -> assertThat(active("distlock.acquire.active", "pay")).isEqualTo(1);
				case REJECTED -> assertThat(acquireCount("pay", "rejected", true)).isEqualTo(1);
				case CANCELLED -> {
					// Cancelled before or after its first attempt answered: contention is known only after.
					assertThat(acquireCount("pay", "cancelled", true) + acquireCount("pay", "cancelled", false))
						.isEqualTo(1);
					assertThat(active("distlock.acquire.active", "pay")).isZero();
				}
				case ACQUIRED_CONTENDED -> {
					assertThat(acquireCount("pay", "acquired", true)).isEqualTo(1);
					assertThat(active("distlock.held.active", "pay")).isEqualTo(1);
				}
			}
		});
		assertThat(samples("distlock.held", "name", "pay", "mode", "exclusive")).isEqualTo(2);
		assertThat(active("distlock.held.active", "pay")).isZero();
	}

	@Test
	void recordsFailuresWhenRedisIsDown() {
		this.locks.whileRedisIsDown("down");
		assertThat(acquireCount("down", "failed", false)).isEqualTo(1);
	}

	@Test
	void countsALeaseLostWhenRenewalIsRefusedAndEndsItsHold() throws Exception {
		this.locks.loseLease("lost").unlock();
		assertThat(this.registry.get("distlock.lost").tag("name", "lost").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("distlock.held").tag("name", "lost").timer().count()).isEqualTo(1);
		assertThat(active("distlock.held.active", "lost")).isZero();
	}

	@Test
	void manyKeysUnderOneNameMakeOneSetOfMeters() {
		this.locks.locks().acquire(LockRequest.of("cardinality:0", Duration.ofSeconds(5)).withName("bulk")).unlock();
		int metersAfterOneKey = this.registry.getMeters().size();
		for (int i = 1; i < 10_000; i++) {
			this.locks.locks()
				.acquire(LockRequest.of("cardinality:" + i, Duration.ofSeconds(5)).withName("bulk"))
				.unlock();
		}
		assertThat(this.registry.getMeters()).hasSize(metersAfterOneKey);
		// The observation path adds Micrometer's error tag to its timers; nothing else varies.
		assertThat(this.registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
			.extracting(Tag::getKey)
			.isSubsetOf(Set.of("name", "outcome", "contended", "keys", "mode", "error")));
		assertThat(this.registry.getMeters()).allSatisfy(
				(meter) -> assertThat(meter.getId().getTag("name")).isEqualTo("bulk"));
		assertThat(this.registry.find("distlock.acquire").meters()).isNotEmpty()
			.allSatisfy((meter) -> assertThat(meter.getId().getTag("mode")).isEqualTo("exclusive"));
		assertThat(this.registry.find("distlock.held").meters()).isNotEmpty()
			.allSatisfy((meter) -> assertThat(meter.getId().getTag("mode")).isEqualTo("exclusive"));
		// What waits or is held now is counted by name alone, on either path.
		assertThat(this.registry.getMeters()).filteredOn((meter) -> meter.getId().getName().endsWith(".active"))
			.hasSize(2)
			.allSatisfy((meter) -> assertThat(meter.getId().getTags()).containsExactly(Tag.of("name", "bulk")));
		assertThat(acquireCount("bulk", "acquired", false)).isEqualTo(10_000);
	}

	@Test
	void aRequestForSeveralKeysIsOneSampleTaggedWithItsKeyCount() {
		LockRequest each = LockRequest.of("ignored", Duration.ofSeconds(5))
			.withWaitTime(Duration.ofSeconds(5))
			.withName("transfer");
		LockHandle three = this.locks.locks().lockAll(List.of("account:1", "account:2", "account:3"), each);
		assertThat(three.await().acquired()).isTrue();
		assertThat(active("distlock.held.active", "transfer")).isEqualTo(1);
		three.unlock();
		this.locks.locks().acquire(each.withKey("account:9")).unlock();

		assertThat(samples("distlock.acquire", "name", "transfer", "keys", "2-4")).as("samples of the three-key request")
			.isOne();
		assertThat(samples("distlock.acquire", "name", "transfer", "keys", "1"))
			.as("samples of single keys: the one single-key request")
			.isOne();
		assertThat(this.registry.get("distlock.held").tags("name", "transfer", "keys", "2-4").timer().count())
			.isEqualTo(1);
		assertThat(active("distlock.held.active", "transfer")).isZero();
	}

	@Test
	void aSharedLockIsTaggedSharedAndAPermitExclusive() {
		LockRequest report = LockRequest.of("reports:1", Duration.ofSeconds(5)).withName("report");
		this.locks.locks().acquire(report.withMode(LockMode.SHARED)).unlock();
		this.locks.locks().acquire(report.withKey("reports:2").withPermits(3)).unlock();

		assertThat(samples("distlock.acquire", "name", "report", "outcome", "acquired", "mode", "shared")).isOne();
		assertThat(samples("distlock.held", "name", "report", "mode", "shared")).isOne();
		assertThat(samples("distlock.acquire", "name", "report", "outcome", "acquired", "mode", "exclusive"))
			.as("samples of the permit")
			.isOne();
		assertThat(samples("distlock.held", "name", "report", "mode", "exclusive")).as("samples of the permit").isOne();
		assertThat(active("distlock.held.active", "report")).isZero();
	}

}
