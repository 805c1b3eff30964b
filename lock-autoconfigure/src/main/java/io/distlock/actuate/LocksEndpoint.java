package io.distlock.actuate;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import io.distlock.core.HeldLock;
import io.distlock.core.HeldLocksPage;
import io.distlock.core.LocalLockState;
import io.distlock.core.LockIntrospector;
import io.distlock.leader.LeaderElection;

/**
 * The {@code locks} endpoint: the locks this instance holds now, the requests waiting per key,
 * and this instance's role in each leader election; with {@code scope=cluster}, one page of the
 * locks every instance holds in the backend. Read-only by default; with its access raised, its
 * {@link LocksEndpointWebExtension web extension} releases locks by force.
 *
 * @since 1.0.0
 */
@Endpoint(id = "locks", defaultAccess = Access.READ_ONLY)
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

	/** How many locks a page of the cluster-wide view holds unless asked otherwise. */
	public static final int DEFAULT_LIMIT = 100;

	/**
	 * The locks of this instance, sorted by key; with {@code scope=cluster}, a page of the locks
	 * held in the backend by every instance.
	 * @param scope {@code cluster} for the backend's view, else (or {@code local}) this instance's
	 * @param limit about how many locks a cluster-wide page holds, {@value #DEFAULT_LIMIT} by default
	 * @param cursor the previous cluster-wide page's {@code next}, to go on from there
	 * @return the descriptor
	 */
	@ReadOperation
	public OperationResponseBody locks(@Nullable String scope, @Nullable Integer limit, @Nullable String cursor) {
		if (scope == null || scope.equals("local")) {
			return locks();
		}
		if (!scope.equals("cluster")) {
			throw new InvalidEndpointRequestException("scope must be 'local' or 'cluster', got '" + scope + "'",
					"Invalid scope");
		}
		int pageSize = (limit != null) ? limit : DEFAULT_LIMIT;
		if (pageSize < 1) {
			throw new InvalidEndpointRequestException("limit must be at least 1, got " + pageSize, "Invalid limit");
		}
		try {
			HeldLocksPage page = this.locks.backendLocks(cursor, pageSize);
			return new ClusterLocksDescriptor(page.locks(), page.next());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Invalid cursor");
		}
		catch (UnsupportedOperationException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "No cluster-wide view on this backend");
		}
	}

	/**
	 * The locks of this instance, sorted by key.
	 * @return the descriptor
	 */
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
	 * A page of the locks every instance holds in the backend.
	 *
	 * @param locks the locks, in the backend's order
	 * @param next the cursor of the next page, {@code null} on the last
	 * @since 1.0.0
	 */
	public record ClusterLocksDescriptor(List<HeldLock> locks, @Nullable String next)
			implements OperationResponseBody {
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
