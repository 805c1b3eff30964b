package io.distlock.testsupport;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link JavaProcess}.
 */
class JavaProcessTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Test
	void runsMainClassWithJvmArgsAndArgs() {
		try (JavaProcess child = JavaProcess.start(ExitingMain.class, List.of("-Ddistlock.test.greeting=hello"), "7", "x")) {
			assertThat(child.awaitLine((line) -> line.startsWith("READY"), TIMEOUT)).isEqualTo("READY hello 7 x");
			assertThat(child.waitFor(TIMEOUT)).isEqualTo(7);
			assertThat(child.isAlive()).isFalse();
			assertThat(child.output()).contains("READY hello 7 x");
		}
	}

	@Test
	void childInheritsDistlockTestSystemProperties() {
		System.setProperty("distlock.test.greeting", "inherited");
		try (JavaProcess child = JavaProcess.start(ExitingMain.class, List.of(), "0")) {
			assertThat(child.awaitLine((line) -> line.startsWith("READY"), TIMEOUT)).isEqualTo("READY inherited 0");
		}
		finally {
			System.clearProperty("distlock.test.greeting");
		}
	}

	@Test
	void awaitLineFailsWhenChildExitsFirst() {
		try (JavaProcess child = JavaProcess.start(ExitingMain.class, List.of(), "3")) {
			assertThatIllegalStateException().isThrownBy(() -> child.awaitLine("NEVER"::equals, TIMEOUT))
				.withMessageContaining("exited with code 3")
				.withMessageContaining("READY");
		}
	}

	@Test
	void awaitLineReadsEachLineOnce() {
		try (JavaProcess child = JavaProcess.start(TickingMain.class, List.of())) {
			assertThat(child.awaitLine((line) -> line.startsWith("TICK"), TIMEOUT)).isEqualTo("TICK 0");
			assertThat(child.awaitLine((line) -> line.startsWith("TICK"), TIMEOUT)).isEqualTo("TICK 1");
		}
	}

	@Test
	void pauseFreezesChildUntilResume() throws InterruptedException {
		try (JavaProcess child = JavaProcess.start(TickingMain.class, List.of())) {
			child.awaitLine("TICK 1"::equals, TIMEOUT);
			child.pause();
			Thread.sleep(100);
			String frozen = child.output();
			Thread.sleep(300);
			assertThat(child.output()).isEqualTo(frozen);
			assertThat(child.isAlive()).isTrue();
			child.resume();
			assertThat(Poll.until(TIMEOUT, () -> child.output().length() > frozen.length())).isTrue();
		}
	}

	@Test
	void killEndsChild() {
		try (JavaProcess child = JavaProcess.start(TickingMain.class, List.of())) {
			child.awaitLine("TICK 0"::equals, TIMEOUT);
			assertThat(ProcessRegistry.live()).extracting(ProcessHandle::pid).contains(child.pid());
			child.kill();
			assertThat(child.isAlive()).isFalse();
			assertThat(ProcessRegistry.live()).extracting(ProcessHandle::pid).doesNotContain(child.pid());
		}
	}

}
