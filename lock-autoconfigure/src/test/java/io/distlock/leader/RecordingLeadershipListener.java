package io.distlock.leader;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records leadership events in order, for tests to wait on.
 */
final class RecordingLeadershipListener implements LeadershipListener {

	private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

	@Override
	public void granted(LeadershipGrantedEvent event) {
		this.events.add(event);
	}

	@Override
	public void revoked(LeadershipRevokedEvent event) {
		this.events.add(event);
	}

	<T> T next(Class<T> type, Duration timeout) throws InterruptedException {
		Object event = this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(event).as("next leadership event").isInstanceOf(type);
		return type.cast(event);
	}

	boolean isEmpty() {
		return this.events.isEmpty();
	}

}
