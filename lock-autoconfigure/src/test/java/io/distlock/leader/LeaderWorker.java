package io.distlock.leader;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.distlock.crossprocess.LockTarget;
import io.distlock.redis.Witness;

/**
 * A separate JVM in a leader election, for the cross-process tests: args
 * {@code target witnessHost witnessPort name ttlMillis yieldEveryMillis runMillis}, the target a
 * {@link LockTarget}. While it leads it
 * does leader work recorded by the witness (occupancy and a fenced write with its term's token),
 * printing {@code WORK <token>}; it prints {@code LEADER <token>} and {@code REVOKED <token>
 * <reason>} as events arrive; when a revoked term's token is known it prints
 * {@code STALE <accepted>} for a fenced write with that old token. Each grant is also announced to
 * the witness list {@code <name>:leaders} as {@code <pid> <token> <nanoTime>}. With {@code yieldEveryMillis}
 * above 0 a leader yields after about that long, then contends again.
 */
public final class LeaderWorker {

	private LeaderWorker() {
	}

	public static void main(String[] args) throws Exception {
		String host = args[1];
		int witnessPort = Integer.parseInt(args[2]);
		long yieldEvery = Long.parseLong(args[5]);
		long runUntil = System.nanoTime() + Duration.ofMillis(Long.parseLong(args[6])).toNanos();
		try (LockTarget.Opened manager = new LockTarget(args[0]).open();
				Witness witness = new Witness(host, witnessPort, args[3] + ":")) {
			LeaderElection election = new LeaderElection(manager.locks(), args[3],
					Duration.ofMillis(Long.parseLong(args[4])), new PrintingListener(host, witnessPort, args[3] + ":"));
			election.start();
			long leadingSince = 0;
			while (System.nanoTime() < runUntil) {
				long token = election.fencingToken();
				if (token > 0) {
					leadingSince = (leadingSince == 0) ? System.nanoTime() : leadingSince;
					if (witness.enter()) {
						System.out.println("OVERLAP " + token + " at " + System.nanoTime());
					}
					System.out.println("WORK " + token);
					witness.fencedWrite(token);
					Thread.sleep(2);
					witness.exit();
					if (yieldEvery > 0 && System.nanoTime() - leadingSince > yieldEvery * 1_000_000
							+ ThreadLocalRandom.current().nextLong(yieldEvery * 1_000_000)) {
						election.stop();
						leadingSince = 0;
						election.start();
					}
				}
				Thread.sleep(5);
			}
			election.stop();
		}
		System.out.println("DONE");
		System.out.flush();
		System.exit(0);
	}

	private record PrintingListener(String host, int witnessPort, String namespace) implements LeadershipListener {

		@Override
		public void granted(LeadershipGrantedEvent event) {
			long at = System.nanoTime();
			System.out.println("LEADER " + event.fencingToken() + " at " + at);
			try (Witness witness = new Witness(this.host, this.witnessPort, this.namespace)) {
				witness.announce("leaders", ProcessHandle.current().pid() + " " + event.fencingToken() + " " + at);
			}
		}

		@Override
		public void revoked(LeadershipRevokedEvent event) {
			System.out.println("REVOKED " + event.fencingToken() + " " + event.reason() + " at " + System.nanoTime());
			try (Witness witness = new Witness(this.host, this.witnessPort, this.namespace)) {
				System.out.println("STALE " + witness.fencedWrite(event.fencingToken()));
			}
		}

	}

}
