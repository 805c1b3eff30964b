package io.distlock.faults;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.distlock.redis.Witness;
import io.distlock.testsupport.JavaProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills whoever holds a role (a lock, or leadership) with {@code SIGKILL}, trial after trial,
 * and times how long until another worker JVM takes it over. Workers announce each take-over as
 * {@code <pid> <token> <nanoTime>} to a witness list; a replacement is started after each kill so
 * that others always wait.
 */
final class Succession implements AutoCloseable {

	private final Supplier<JavaProcess> launcher;

	private final Witness witness;

	private final String events;

	private final Map<Long, JavaProcess> running = new HashMap<>();

	Succession(Supplier<JavaProcess> launcher, Witness witness, String events) {
		this.launcher = launcher;
		this.witness = witness;
		this.events = events;
	}

	/**
	 * Runs the trials.
	 * @param trials how many holders to kill
	 * @param workers how many workers contend at a time
	 * @param timeout how long a take-over may take before the trial fails
	 * @return the time from each kill to the next take-over
	 */
	Latencies run(int trials, int workers, Duration timeout) {
		for (int i = 0; i < workers; i++) {
			launch();
		}
		Latencies takeOvers = new Latencies();
		TakeOver current = next(timeout);
		for (int trial = 0; trial < trials; trial++) {
			JavaProcess holder = this.running.remove(current.pid());
			assertThat(holder).as("holder %s is one of the workers", current.pid()).isNotNull();
			holder.kill();
			long killedAt = System.nanoTime();
			holder.close();
			TakeOver next = next(timeout);
			assertThat(next.token()).as("token after a crash").isGreaterThan(current.token());
			takeOvers.add(Duration.ofNanos(next.at() - killedAt));
			launch();
			current = next;
		}
		return takeOvers;
	}

	private void launch() {
		JavaProcess worker = this.launcher.get();
		this.running.put(worker.pid(), worker);
	}

	private TakeOver next(Duration timeout) {
		String event = this.witness.nextEvent(this.events, timeout);
		assertThat(event).as("a take-over within %s; workers: %s", timeout, this.running.values()).isNotNull();
		String[] fields = event.split(" ");
		return new TakeOver(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]));
	}

	@Override
	public void close() {
		this.running.values().forEach(JavaProcess::close);
		this.running.clear();
	}

	private record TakeOver(long pid, long token, long at) {
	}

}
