package io.distlock.sample.dashboard;

import java.util.Objects;

import org.springframework.stereotype.Component;

import io.distlock.core.LockListener;
import io.distlock.core.LockRequest;
import io.distlock.core.LockResult;
import io.distlock.sample.SampleInstance;

/**
 * Records every lock this instance acquires, releases or loses in the {@link LockActivityLog}.
 * The manager reports an acquisition after it happened and a release before the lock is given
 * back, so each recorded interval lies within the time the lock was really held: intervals of one
 * key that overlap on the timeline would be a real violation, never an artefact of recording.
 *
 * @since 1.0.0
 */
@Component
class LockActivityListener implements LockListener {

	private final LockActivityLog log;

	private final String instance;

	LockActivityListener(LockActivityLog log, SampleInstance instance) {
		this.log = Objects.requireNonNull(log, "'log' must not be null");
		this.instance = instance.id();
	}

	@Override
	public AcquisitionTracker requested(LockRequest request) {
		return new AcquisitionTracker() {

			private volatile long token = -1;

			@Override
			public void completed(LockResult result, boolean contended) {
				if (result.acquired()) {
					this.token = result.fencingToken();
					record(LockEvent.Type.ACQUIRED, request, this.token);
				}
			}

			@Override
			public void released() {
				record(LockEvent.Type.RELEASED, request, this.token);
			}

			@Override
			public void lost() {
				record(LockEvent.Type.LOST, request, this.token);
			}

		};
	}

	private void record(LockEvent.Type type, LockRequest request, long token) {
		this.log.record(new LockEvent(System.currentTimeMillis(), this.instance, type, token, request.name(),
				request.key()));
	}

}
