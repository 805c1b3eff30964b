package io.distlock.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.ObservationContextAssert;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.LockHandle;
import io.distlock.core.LockLostException;
import io.distlock.core.LockResult;
import io.distlock.core.LockStatus;
import io.distlock.testsupport.RedisExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ObservationLockListener} under real contention on a real redis-server: the
 * observations, their key values, errors and parents. The meters they yield are tested in
 * {@link LockMetersIntegrationTests}.
 */
class ObservationLockListenerIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private ContendedLocks locks;

	@BeforeEach
	void start() {
		this.locks = ContendedLocks.start(redis.server(), new ObservationLockListener(this.registry));
	}

	@AfterEach
	void stop() {
		this.locks.close();
	}

	private <C extends Observation.Context> List<C> contexts(Class<C> type) {
		List<C> contexts = new ArrayList<>();
		this.registry.assertThat().hasHandledContextsThatSatisfy((handled) -> handled.stream()
			.filter(type::isInstance)
			.map(type::cast)
			.forEach(contexts::add));
		return contexts;
	}

	@Test
	void observesEachRequestWithItsOutcomeAndContentionAndEachHoldWithItsToken() throws Exception {
		List<Long> tokens = new ArrayList<>();
		this.locks.everyOutcome("pay", (step, handle) -> {
			if (step == ContendedLocks.Step.ACQUIRED_FREE || step == ContendedLocks.Step.ACQUIRED_CONTENDED) {
				tokens.add(handle.fencingToken());
			}
		});
		// In the order requested: free, timed out, the waiter later cancelled, the one rejected, the last.
		List<LockAcquireContext> acquires = contexts(LockAcquireContext.class);
		List<String> outcomes = acquires.stream()
			.map((context) -> context.getLowCardinalityKeyValue("outcome").getValue() + "/"
					+ context.getLowCardinalityKeyValue("contended").getValue())
			.toList();
		// Cancelled before or after its first attempt answered: contention is known only after.
		assertThat(outcomes).hasSize(5).element(2).isIn("cancelled/true", "cancelled/false");
		assertThat(outcomes).containsExactly("acquired/false", "timed_out/true", outcomes.get(2), "rejected/true",
				"acquired/true");
		assertThat(acquires).allSatisfy((context) -> ObservationContextAssert.assertThat(context)
			.hasNameEqualTo("distlock.acquire")
			.hasContextualNameEqualTo("lock pay")
			.hasLowCardinalityKeyValue("name", "pay")
			.hasLowCardinalityKeyValue("mode", "exclusive")
			.doesNotHaveError());
		assertThat(acquires.get(0).getHighCardinalityKeyValue("fencing.token").getValue())
			.isEqualTo(Long.toString(tokens.get(0)));
		ObservationContextAssert.assertThat(acquires.get(1)).doesNotHaveHighCardinalityKeyValueWithKey("fencing.token");

		List<LockHeldContext> holds = contexts(LockHeldContext.class);
		assertThat(holds).extracting((context) -> Long.valueOf(context.getHighCardinalityKeyValue("fencing.token").getValue()))
			.containsExactlyElementsOf(tokens);
		assertThat(holds).allSatisfy((context) -> ObservationContextAssert.assertThat(context)
			.hasNameEqualTo("distlock.held")
			.hasContextualNameEqualTo("hold pay")
			.hasOnlyKeys("name", "keys", "mode", "fencing.token")
			.hasLowCardinalityKeyValue("keys", "1")
			.hasLowCardinalityKeyValue("mode", "exclusive")
			.doesNotHaveError());
		this.registry.assertThat()
			.hasNumberOfObservationsWithNameEqualTo("distlock.acquire", 5)
			.hasNumberOfObservationsWithNameEqualTo("distlock.held", 2);
		// The per-call key stays off observations, spans included: it may carry user data.
		assertThat(contexts(Observation.Context.class).stream()
			.flatMap((context) -> context.getAllKeyValues().stream())
			.map(KeyValue::getValue)).isNotEmpty().noneMatch((value) -> value.contains("orders:"));
	}

	@Test
	void recordsTheCauseOfAFailedRequestAsItsError() {
		LockResult result = this.locks.whileRedisIsDown("down");
		assertThat(contexts(LockAcquireContext.class)).singleElement()
			.satisfies((context) -> ObservationContextAssert.assertThat(context)
				.hasLowCardinalityKeyValue("outcome", "failed")
				.hasError(result.failure()));
		assertThat(contexts(LockHeldContext.class)).isEmpty();
	}

	@Test
	void endsTheHoldWithAnErrorWhenTheLeaseIsLost() throws Exception {
		LockHandle handle = this.locks.loseLease("lost");
		assertThat(contexts(LockHeldContext.class)).singleElement()
			.satisfies((context) -> ObservationContextAssert.assertThat(context)
				.assertThatError()
				.isInstanceOf(LockLostException.class)
				.hasMessageContaining("'lost'"));
		// Released after the loss: the hold already ended, so nothing is stopped twice (the registry checks).
		handle.unlock();
		this.registry.assertThat().hasNumberOfObservationsWithNameEqualTo("distlock.held", 1);
	}

	@Test
	void holdIsASiblingOfItsAcquisitionUnderTheCallersObservation() {
		Observation caller = Observation.start("checkout", this.registry);
		LockHandle handle = caller.scoped(() -> this.locks.locks().lock(ContendedLocks.request("pay", Duration.ZERO)));
		assertThat(handle.await().status()).isEqualTo(LockStatus.ACQUIRED);
		handle.unlock();
		caller.stop();
		assertThat(contexts(LockAcquireContext.class)).singleElement()
			.satisfies((context) -> ObservationContextAssert.assertThat(context).hasParentObservationEqualTo(caller));
		assertThat(contexts(LockHeldContext.class)).singleElement()
			.satisfies((context) -> ObservationContextAssert.assertThat(context).hasParentObservationEqualTo(caller));
	}

}
