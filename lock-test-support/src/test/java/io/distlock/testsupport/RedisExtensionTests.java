package io.distlock.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Tests for {@link RedisExtension}.
 */
class RedisExtensionTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	@Test
	void injectsTheClassServer(RedisServer server) {
		assertThat(server).isSameAs(redis.server());
		assertThat(server.command("PING")).isEqualTo("PONG");
	}

	@Test
	void startsAnotherIndependentServer() {
		redis.flushAll();
		RedisServer another = redis.startAnother();
		another.command("SET", "key", "value");
		assertThat(another.port()).isNotEqualTo(redis.server().port());
		assertThat(another.dbSize()).isOne();
		assertThat(redis.server().dbSize()).isZero();
	}

	@Test
	void stopsEveryServerAfterTheClassAndSharesItWithNestedClasses() {
		Example.pids.clear();
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(Example.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(2));
		assertThat(Example.pids).hasSize(3);
		assertThat(Example.pids.get(2)).isEqualTo(Example.pids.get(0));
		Example.pids.forEach(Processes::assertDead);
		assertThat(ProcessRegistry.live()).extracting(ProcessHandle::pid).doesNotContainAnyElementsOf(Example.pids);
	}

	/**
	 * Run through {@link EngineTestKit} only, to observe the extension from outside.
	 */
	static class Example {

		static final List<Long> pids = new CopyOnWriteArrayList<>();

		@RegisterExtension
		static final RedisExtension redis = new RedisExtension();

		@Test
		void first(RedisServer server) {
			pids.add(server.pid());
			pids.add(redis.startServer(RedisOptions.cluster()).pid());
		}

		@Nested
		class Inner {

			@Test
			void second(RedisServer server) {
				pids.add(server.pid());
			}

		}

	}

}
