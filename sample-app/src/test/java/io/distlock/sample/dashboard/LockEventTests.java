package io.distlock.sample.dashboard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LockEvent}.
 */
class LockEventTests {

	@Test
	void decodesWhatItEncodedWhateverTheKeyHolds() {
		LockEvent event = new LockEvent(1_700_000_000_123L, "one", LockEvent.Type.RELEASED, 42, "inventory",
				"inventory:a\tb c:d");
		assertThat(LockEvent.decode(event.encode())).isEqualTo(event);
	}

	@Test
	void rejectsAnEntryThatIsNoEvent() {
		assertThatIllegalArgumentException().isThrownBy(() -> LockEvent.decode("one ACQUIRED 42"))
			.withMessage("Not a lock event: 'one ACQUIRED 42'");
	}

}
