package io.distlock.testsupport;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RedisOptions}.
 */
class RedisOptionsTests {

	@Test
	void withersReturnCopies() {
		RedisOptions defaults = RedisOptions.defaults();
		RedisOptions tuned = defaults.with("maxmemory", "10mb").startTimeout(Duration.ofSeconds(30));
		assertThat(defaults.directives()).isEmpty();
		assertThat(defaults.startTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(tuned.directives()).containsExactly(new RedisOptions.Directive("maxmemory", List.of("10mb")));
		assertThat(tuned.startTimeout()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void sentinelOptionsMonitorMasterOnLoopback() {
		RedisOptions options = RedisOptions.sentinel("mymaster", 7000, 2);
		assertThat(options.mode()).isEqualTo(RedisOptions.Mode.SENTINEL);
		assertThat(options.directives()).first()
			.isEqualTo(new RedisOptions.Directive("sentinel",
					List.of("monitor", "mymaster", "127.0.0.1", "7000", "2")));
	}

	@Test
	void rejectsBadValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisOptions.defaults().with(" "));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisOptions.defaults().with("max memory", "1mb"));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisOptions.defaults().startTimeout(Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisOptions.sentinel("my master", 7000, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisOptions.sentinel("mymaster", 0, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisOptions.sentinel("mymaster", 7000, 0));
	}

}
