package io.distlock.benchmarks.harness;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import io.distlock.benchmarks.adapter.Library;
import io.distlock.benchmarks.adapter.LockAdapter;

/**
 * Scenario 9 (issue 21): threads of this JVM transferring between random pairs of accounts, each
 * transfer holding both accounts' locks taken as one request, for the libraries with a multi-key
 * lock. Witnessed by the {@link Accounts} themselves.
 */
final class TransferScenario implements Scenario {

	/** Threads transferring at once. */
	static final int THREADS = 16;

	/** Accounts transfers pick from. */
	static final int ACCOUNTS = 100;

	private static final long OPENING_BALANCE = 1_000;

	private static final int MAX_AMOUNT = 100;

	/** What the load run gives; the change of the total balance comes from the accounts. */
	private static final List<Metric> TIMED = List.of(Metric.TRANSFERS_PER_SECOND, Metric.CYCLE_P50,
			Metric.CYCLE_P99);

	private static final List<Metric> METRICS = Stream.concat(TIMED.stream(), Stream.of(Metric.BALANCE_CHANGE))
		.toList();

	@Override
	public String title() {
		return "9. Two-key transfers";
	}

	@Override
	public String workload() {
		return String.format(Locale.ROOT, "%d threads in one JVM transfer between %d accounts: each transfer picks "
				+ "two distinct accounts at random, locks both keys as one request, moves an amount between their "
				+ "in-memory balances and releases (distlock with `lockAll(...)` then `await()` or "
				+ "`@DistributedLock(key = \"{#from, #to}\")`, Redisson with a `RedissonMultiLock` over two `RLock`s); "
				+ "latency is of the whole lock + transfer + unlock. A transfer that "
				+ "finds either account in use (a counter per account that no library sees) is a violation, and the "
				+ "total of all balances must end as it began: its change is shown for the worst round.", THREADS,
				ACCOUNTS);
	}

	@Override
	public List<Metric> metrics() {
		return METRICS;
	}

	@Override
	public boolean runs(Library library) {
		return library.locksKeyPairs();
	}

	@Override
	public Measurement measure(Library library, Lab lab) {
		String keyspace = lab.keyspace(library, "transfer");
		String[] keys = new String[ACCOUNTS];
		for (int i = 0; i < ACCOUNTS; i++) {
			keys[i] = keyspace + "account:" + i;
		}
		Accounts accounts = new Accounts(ACCOUNTS, OPENING_BALANCE);
		LockAdapter adapter = lab.adapter(library);
		LoadLoop.Result result = LoadLoop.runFor(THREADS, (thread) -> new Transfer(adapter, keys, accounts),
				lab.settings().transferWindow().toNanos());
		return Measurement.of(result, accounts.violations(), TIMED)
			.with(Metric.BALANCE_CHANGE, Math.abs(accounts.totalChange()));
	}

	/**
	 * One thread's transfers: a random pair of distinct accounts and amount each cycle.
	 */
	private static final class Transfer implements LoadLoop.Cycle {

		private final LockAdapter adapter;

		private final String[] keys;

		private final Accounts accounts;

		private final Runnable move = this::move;

		private int from;

		private int to;

		private long amount;

		private long enteredAt;

		Transfer(LockAdapter adapter, String[] keys, Accounts accounts) {
			this.adapter = adapter;
			this.keys = keys;
			this.accounts = accounts;
		}

		@Override
		public long run(long iteration) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			this.from = random.nextInt(this.accounts.count());
			int other = random.nextInt(this.accounts.count() - 1);
			this.to = (other >= this.from) ? other + 1 : other;
			this.amount = 1 + random.nextInt(MAX_AMOUNT);
			this.adapter.runLockedBoth(this.keys[this.from], this.keys[this.to], this.move);
			return this.enteredAt;
		}

		private void move() {
			this.enteredAt = System.nanoTime();
			this.accounts.transfer(this.from, this.to, this.amount);
		}

	}

}
