package io.distlock.actuate;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import io.distlock.core.LocalLockState;
import io.distlock.core.LockIntrospector;

/**
 * The read-only {@code locks} endpoint: the locks this instance holds now and the requests
 * waiting per key.
 *
 * @since 1.0.0
 */
@Endpoint(id = "locks")
public class LocksEndpoint {

	private final LockIntrospector locks;

	/**
	 * Creates the endpoint.
	 * @param locks the lock manager to show
	 */
	public LocksEndpoint(LockIntrospector locks) {
		this.locks = Objects.requireNonNull(locks, "'locks' must not be null");
	}

	/**
	 * The locks of this instance, sorted by key.
	 * @return the descriptor
	 */
	@ReadOperation
	public LocksDescriptor locks() {
		List<LocalLockState> states = this.locks.localLocks()
			.stream()
			.sorted(Comparator.comparing(LocalLockState::key))
			.toList();
		return new LocksDescriptor(states.stream().filter(LocalLockState::held).toList(),
				states.stream().filter((state) -> state.waiting() > 0).map(WaitingDescriptor::of).toList());
	}

	/**
	 * What the endpoint answers.
	 *
	 * @param held the locks this instance holds now
	 * @param waiting the keys this instance's requests wait for
	 * @since 1.0.0
	 */
	public record LocksDescriptor(List<LocalLockState> held, List<WaitingDescriptor> waiting)
			implements OperationResponseBody {
	}

	/**
	 * The requests waiting for one key.
	 *
	 * @param key the lock key
	 * @param name the lock's name
	 * @param waiters how many requests of this instance wait
	 * @param heldHere whether this instance holds the key meanwhile
	 * @since 1.0.0
	 */
	public record WaitingDescriptor(String key, String name, int waiters, boolean heldHere) {

		static WaitingDescriptor of(LocalLockState state) {
			return new WaitingDescriptor(state.key(), state.name(), state.waiting(), state.held());
		}

	}

}
