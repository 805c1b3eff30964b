package io.distlock.actuate;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import io.distlock.core.LocalLockState;
import io.distlock.core.LockIntrospector;
import io.distlock.leader.LeaderElection;

/**
 * The read-only {@code locks} endpoint: the locks this instance holds now, the requests waiting
 * per key, and this instance's role in each leader election.
 *
 * @since 1.0.0
 */
@Endpoint(id = "locks")
public class LocksEndpoint {

	private final LockIntrospector locks;

	private final List<LeaderElection> elections;

	/**
	 * Creates the endpoint.
	 * @param locks the lock manager to show
	 * @param elections the leader elections this node takes part in
	 */
	public LocksEndpoint(LockIntrospector locks, List<LeaderElection> elections) {
		this.locks = Objects.requireNonNull(locks, "'locks' must not be null");
		this.elections = List.copyOf(elections);
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
				states.stream().filter((state) -> state.waiting() > 0).map(WaitingDescriptor::of).toList(),
				this.elections.stream().map(ElectionDescriptor::of).toList());
	}

	/**
	 * What the endpoint answers.
	 *
	 * @param held the locks this instance holds now
	 * @param waiting the keys this instance's requests wait for
	 * @param elections this instance's role in each leader election
	 * @since 1.0.0
	 */
	public record LocksDescriptor(List<LocalLockState> held, List<WaitingDescriptor> waiting,
			List<ElectionDescriptor> elections) implements OperationResponseBody {
	}

	/**
	 * This instance's role in one leader election.
	 *
	 * @param name the election's name
	 * @param role {@code leader} or {@code follower}
	 * @param fencingToken the current term's token when leading, else {@code -1}
	 * @param leaderSince when the current term started, {@code null} when following
	 * @since 1.0.0
	 */
	public record ElectionDescriptor(String name, String role, long fencingToken, @Nullable Instant leaderSince) {

		static ElectionDescriptor of(LeaderElection election) {
			Instant since = election.leaderSince().orElse(null);
			return new ElectionDescriptor(election.name(), (since != null) ? "leader" : "follower",
					election.fencingToken(), since);
		}

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
