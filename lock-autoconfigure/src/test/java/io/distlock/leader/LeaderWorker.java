package io.distlock.leader;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.distlock.redis.TestRedis;
import io.distlock.redis.Witness;

/**
 * A separate JVM in a leader election, for the cross-process tests: args
 * {@code host lockPort witnessPort name ttlMillis yieldEveryMillis runMillis}. While it leads it
 * does leader work recorded by the witness (occupancy and a fenced write with its term's token),
 * printing {@code WORK <token>}; it prints {@code LEADER <token>} and {@code REVOKED <token>
 * <reason>} as events arrive; when a revoked term's token is known it prints
 * {@code STALE <accepted>} for a fenced write with that old token. With {@code yieldEveryMillis}
 * above 0 a leader yields after about that long, then contends again.
 */
public final class LeaderWorker {

	private LeaderWorker() {
	}

	public static void main(String[] args) throws Exception {
		String host = args[0];
		int witnessPort = Integer.parseInt(args[2]);
		long yieldEvery = Long.parseLong(args[5]);
		long runUntil = System.nanoTime() + Duration.ofMillis(Long.parseLong(args[6])).toNanos();
		try (TestRedis.Manager manager = TestRedis.Manager.start(host, Integer.parseInt(args[1]));
				Witness witness = new Witness(host, witnessPort, args[3] + ":")) {
			LeaderElection election = new LeaderElection(manager.locks(), args[3],
					Duration.ofMillis(Long.parseLong(args[4])), new PrintingListener(host, witnessPort));
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

	private record PrintingListener(String host, int witnessPort) implements LeadershipListener {

		@Override
		public void granted(LeadershipGrantedEvent event) {
			System.out.println("LEADER " + event.fencingToken() + " at " + System.nanoTime());
		}

		@Override
		public void revoked(LeadershipRevokedEvent event) {
			System.out.println("REVOKED " + event.fencingToken() + " " + event.reason() + " at " + System.nanoTime());
			try (Witness witness = new Witness(this.host, this.witnessPort)) {
				System.out.println("STALE " + witness.fencedWrite(event.fencingToken()));
			}
		}

	}

}
