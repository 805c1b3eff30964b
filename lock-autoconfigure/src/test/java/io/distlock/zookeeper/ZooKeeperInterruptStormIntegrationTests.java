package io.distlock.zookeeper;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.distlock.core.LockListener;
import io.distlock.core.LockSettings;
import io.distlock.core.Storm;
import io.distlock.core.Storm.Call;
import io.distlock.core.Storm.Tally;

/**
 * Tests for {@link ZooKeeperLockManager} under issue 17's interrupt storm, against an in-process
 * ZooKeeper server: eight threads on one key while another interrupts random ones of them every 0
 * to 2ms. No section overlaps, no call gets a lock it does not hold, hangs or throws, and
 * nothing is left held: no lock node in ZooKeeper, no key state in the JVM.
 */
class ZooKeeperInterruptStormIntegrationTests {

	private static final String BASE = "/distlock";

	@RegisterExtension
	static final ZooKeeperServerExtension zookeeper = new ZooKeeperServerExtension();

	@Test
	void interruptedAwaitNeverRunsUnlockedAndLeavesNothingHeld() throws Exception {
		try (TestZooKeeper.Manager manager = manager()) {
			storm(manager.locks(), Storm.awaiting(manager.locks(), Storm.ONE_KEY), "zookeeper await");
		}
	}

	@Test
	void interruptedAcquireNeverRunsUnlockedAndLeavesNothingHeld() throws Exception {
		try (TestZooKeeper.Manager manager = manager()) {
			storm(manager.locks(), Storm.acquiring(manager.locks(), Storm.ONE_KEY), "zookeeper acquire");
		}
	}

	private static TestZooKeeper.Manager manager() {
		return TestZooKeeper.Manager.start(zookeeper.connectString(), ZooKeeperServerExtension.SESSION_TIMEOUT,
				LockSettings.DEFAULTS, LockListener.NO_OP);
	}

	private static void storm(ZooKeeperLockManager locks, Call call, String name) throws Exception {
		Tally tally = Storm.of(Storm.WORKERS).interrupting(call);
		tally.settle("lock nodes in ZooKeeper", Storm.SETTLE, () -> zookeeper.lockNodes(BASE))
			.settle("keys with local state", Storm.SETTLE, locks::activeKeys)
			.report(name)
			.assertNoViolations();
	}

}
