package io.distlock.benchmarks.harness;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-memory accounts of the transfer scenario, with their own witness: balances that only the
 * lock under test guards, an in-use counter per account that no library sees (a transfer that
 * finds either of its accounts in use is a violation), and the total of all balances, which
 * transfers must leave as it was.
 */
final class Accounts {

	private final long[] balances;

	private final AtomicInteger[] inUse;

	private final long total;

	private final LongAdder violations = new LongAdder();

	Accounts(int count, long openingBalance) {
		this.balances = new long[count];
		Arrays.fill(this.balances, openingBalance);
		this.inUse = new AtomicInteger[count];
		Arrays.setAll(this.inUse, (account) -> new AtomicInteger());
		this.total = count * openingBalance;
	}

	int count() {
		return this.balances.length;
	}

	/**
	 * Moves {@code amount} from one account to another; call it holding both accounts' locks.
	 */
	void transfer(int from, int to, long amount) {
		// Both counters taken before the balances are touched; their atomic updates also order the plain writes.
		boolean overlapped = this.inUse[from].getAndIncrement() != 0;
		overlapped |= this.inUse[to].getAndIncrement() != 0;
		if (overlapped) {
			this.violations.increment();
		}
		this.balances[from] -= amount;
		this.balances[to] += amount;
		this.inUse[to].decrementAndGet();
		this.inUse[from].decrementAndGet();
	}

	/**
	 * Transfers that found either of their accounts in use.
	 */
	long violations() {
		return this.violations.sum();
	}

	/**
	 * How far the total of all balances is from what it was at the start, once no transfer runs:
	 * 0 unless transfers overlapped and lost an update.
	 */
	long totalChange() {
		return Arrays.stream(this.balances).sum() - this.total;
	}

}
