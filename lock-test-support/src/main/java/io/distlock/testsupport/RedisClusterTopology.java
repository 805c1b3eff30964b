package io.distlock.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Redis Cluster of plain {@code redis-server} processes that a test may migrate slots of
 * and fail over: primaries share the 16384 slots evenly, each with its replicas, set up
 * over the protocol ({@code CLUSTER ADDSLOTS}, {@code MEET}, {@code REPLICATE}), so no
 * {@code redis-cli} is needed.
 *
 * @since 1.0.0
 */
public final class RedisClusterTopology implements AutoCloseable {

	/** The number of hash slots of every cluster. */
	public static final int SLOTS = 16384;

	private static final Duration FORM_TIMEOUT = Duration.ofSeconds(20);

	private final List<RedisServer> primaries;

	private final List<RedisServer> replicas;

	private RedisClusterTopology(List<RedisServer> primaries, List<RedisServer> replicas) {
		this.primaries = List.copyOf(primaries);
		this.replicas = List.copyOf(replicas);
	}

	/**
	 * Starts a cluster on the binary {@link RedisBinary#detect()} resolves.
	 * @param primaries how many primaries share the slots, at least 1
	 * @param replicasPerPrimary how many replicas each primary gets
	 * @return the cluster, every slot served and every node agreeing
	 * @throws IllegalStateException if it does not form in time
	 */
	public static RedisClusterTopology start(int primaries, int replicasPerPrimary) {
		return start(RedisOptions.cluster(), primaries, replicasPerPrimary);
	}

	/**
	 * Starts a cluster of nodes with the given options.
	 * @param options the nodes' options, from {@link RedisOptions#cluster()}
	 * @param primaries how many primaries share the slots, at least 1
	 * @param replicasPerPrimary how many replicas each primary gets
	 * @return the cluster, every slot served and every node agreeing
	 * @throws IllegalStateException if it does not form in time
	 */
	public static RedisClusterTopology start(RedisOptions options, int primaries, int replicasPerPrimary) {
		Objects.requireNonNull(options, "'options' must not be null");
		if (options.mode() != RedisOptions.Mode.CLUSTER) {
			throw new IllegalArgumentException("'options' must be cluster options, was " + options.mode());
		}
		if (primaries < 1 || replicasPerPrimary < 0) {
			throw new IllegalArgumentException("A cluster needs at least 1 primary and no negative replica count, got "
					+ primaries + " and " + replicasPerPrimary);
		}
		List<RedisServer> started = new ArrayList<>();
		try {
			List<RedisServer> primaryNodes = new ArrayList<>();
			List<RedisServer> replicaNodes = new ArrayList<>();
			for (int i = 0; i < primaries; i++) {
				primaryNodes.add(track(started, ProcessRedisServer.start(options)));
			}
			for (int i = 0; i < primaries * replicasPerPrimary; i++) {
				replicaNodes.add(track(started, ProcessRedisServer.start(options)));
			}
			RedisClusterTopology cluster = new RedisClusterTopology(primaryNodes, replicaNodes);
			cluster.form(replicasPerPrimary);
			return cluster;
		}
		catch (RuntimeException ex) {
			RedisServers.closeAll(started, ex);
			throw ex;
		}
	}

	/**
	 * Returns the hash slot of a key, as the cluster computes it.
	 * @param key the key
	 * @return its slot
	 */
	public static int slot(String key) {
		return JedisClusterCRC16.getSlot(key);
	}

	/**
	 * Returns the primaries, in the order of the slot ranges they were given.
	 * @return the primaries
	 */
	public List<RedisServer> primaries() {
		return this.primaries;
	}

	/**
	 * Returns the replicas: those of the first primary first.
	 * @return the replicas
	 */
	public List<RedisServer> replicas() {
		return this.replicas;
	}

	/**
	 * Returns every node, primaries first.
	 * @return the nodes
	 */
	public List<RedisServer> nodes() {
		List<RedisServer> nodes = new ArrayList<>(this.primaries);
		nodes.addAll(this.replicas);
		return nodes;
	}

	/**
	 * Returns {@code host:port} of every node, as {@code spring.data.redis.cluster.nodes}
	 * takes them.
	 * @return the node addresses
	 */
	public List<String> addresses() {
		return nodes().stream().map((node) -> node.host() + ":" + node.port()).toList();
	}

	/**
	 * Returns the node's cluster id.
	 * @param node a node of this cluster
	 * @return its id
	 */
	public static String id(RedisServer node) {
		return (String) Objects.requireNonNull(node.command("CLUSTER", "MYID"));
	}

	/**
	 * Returns the primary that serves a slot now, as the first primary sees it.
	 * @param slot the slot
	 * @return its primary
	 */
	public RedisServer primaryOf(int slot) {
		for (RedisServer primary : this.primaries) {
			if (primary.isAlive() && owns(primary, slot)) {
				return primary;
			}
		}
		throw new IllegalStateException("No live primary of " + this + " owns slot " + slot);
	}

	/**
	 * Moves a slot and its keys to another primary the way {@code redis-cli --cluster
	 * reshard} does: {@code SETSLOT IMPORTING}/{@code MIGRATING}, {@code MIGRATE} of each
	 * key, then {@code SETSLOT NODE} on every primary; returns once every primary sees the
	 * target as the slot's owner.
	 * @param slot the slot
	 * @param target the primary to move it to
	 */
	public void migrate(int slot, RedisServer target) {
		RedisServer source = primaryOf(slot);
		if (source == target) {
			return;
		}
		String slotName = Integer.toString(slot);
		String targetId = id(target);
		target.command("CLUSTER", "SETSLOT", slotName, "IMPORTING", id(source));
		source.command("CLUSTER", "SETSLOT", slotName, "MIGRATING", targetId);
		moveKeys(source, target, slotName);
		for (RedisServer primary : List.of(target, source)) {
			primary.command("CLUSTER", "SETSLOT", slotName, "NODE", targetId);
		}
		// With the one greatest config epoch the target's claim wins over stale gossip; a claim that
		// lost would make the target drop the keys it was just given.
		target.command("CLUSTER", "BUMPEPOCH");
		for (RedisServer primary : this.primaries) {
			if (primary != source && primary != target) {
				primary.command("CLUSTER", "SETSLOT", slotName, "NODE", targetId);
			}
		}
		// Gossip sent before the move can still reach a primary after it and undo the assignment
		// there: assign again until every primary agrees.
		boolean agreed = Poll.until(FORM_TIMEOUT, () -> {
			boolean all = true;
			for (RedisServer primary : this.primaries) {
				if (!targetId.equals(ownerIn(primary, slot))) {
					primary.command("CLUSTER", "SETSLOT", slotName, "NODE", targetId);
					all = false;
				}
			}
			return all;
		});
		if (!agreed) {
			throw new IllegalStateException("The primaries of " + this + " do not agree that slot " + slot
					+ " moved to " + target + " after " + FORM_TIMEOUT);
		}
	}

	/**
	 * Starts moving a slot and leaves it half-moved: the source {@code MIGRATING}, the
	 * target {@code IMPORTING}, so clients get {@code ASK} for keys already moved.
	 * @param slot the slot
	 * @param target the primary it moves to
	 * @param moveKeys whether to {@code MIGRATE} the slot's keys already
	 */
	public void beginMigration(int slot, RedisServer target, boolean moveKeys) {
		RedisServer source = primaryOf(slot);
		String slotName = Integer.toString(slot);
		target.command("CLUSTER", "SETSLOT", slotName, "IMPORTING", id(source));
		source.command("CLUSTER", "SETSLOT", slotName, "MIGRATING", id(target));
		if (moveKeys) {
			moveKeys(source, target, slotName);
		}
	}

	/**
	 * Waits until every live node agrees the cluster is {@code ok}.
	 */
	public void awaitOk() {
		boolean ok = Poll.until(FORM_TIMEOUT, () -> nodes().stream()
			.filter(RedisServer::isAlive)
			.allMatch((node) -> ((String) node.command("CLUSTER", "INFO")).contains("cluster_state:ok")));
		if (!ok) {
			throw new IllegalStateException(this + " is not ok after " + FORM_TIMEOUT);
		}
	}

	@Override
	public void close() {
		RedisServers.closeAll(nodes());
	}

	@Override
	public String toString() {
		return "Redis Cluster of " + this.primaries.size() + " primaries and " + this.replicas.size() + " replicas "
				+ addresses();
	}

	private void form(int replicasPerPrimary) {
		int perPrimary = SLOTS / this.primaries.size();
		for (int i = 0; i < this.primaries.size(); i++) {
			int from = i * perPrimary;
			int to = (i == this.primaries.size() - 1) ? SLOTS : from + perPrimary;
			List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
			IntStream.range(from, to).forEach((slot) -> args.add(Integer.toString(slot)));
			this.primaries.get(i).command(args.toArray(String[]::new));
		}
		RedisServer first = this.primaries.get(0);
		for (RedisServer node : nodes()) {
			if (node != first) {
				List<String> meet = new ArrayList<>(List.of("CLUSTER", "MEET", node.host(), Integer.toString(node.port())));
				// A bus on a port of its own (Redis 7+) must be named; else it is the port + 10000.
				List<?> busPort = (List<?>) node.command("CONFIG", "GET", "cluster-port");
				if (busPort.size() == 2 && !"0".equals(busPort.get(1))) {
					meet.add((String) busPort.get(1));
				}
				first.command(meet.toArray(String[]::new));
			}
		}
		awaitKnown();
		for (int i = 0; i < this.replicas.size(); i++) {
			RedisServer primary = this.primaries.get(i / replicasPerPrimary);
			this.replicas.get(i).command("CLUSTER", "REPLICATE", id(primary));
		}
		awaitOk();
		if (!this.replicas.isEmpty() && !Poll.until(FORM_TIMEOUT, () -> this.replicas.stream()
			.allMatch((replica) -> ((String) replica.command("INFO", "replication")).contains("master_link_status:up")))) {
			throw new IllegalStateException("The replicas of " + this + " did not sync within " + FORM_TIMEOUT);
		}
	}

	private void awaitKnown() {
		List<String> ids = nodes().stream().map(RedisClusterTopology::id).toList();
		// A node still in handshake is listed under a temporary id: wait for the real ones.
		boolean known = Poll.until(FORM_TIMEOUT, () -> nodes().stream().allMatch((node) -> {
			String view = (String) node.command("CLUSTER", "NODES");
			return ids.stream().allMatch(view::contains) && !view.contains("handshake");
		}));
		if (!known) {
			throw new IllegalStateException("The nodes of " + this + " did not meet within " + FORM_TIMEOUT);
		}
	}

	private static void moveKeys(RedisServer source, RedisServer target, String slot) {
		List<?> keys;
		do {
			keys = (List<?>) source.command("CLUSTER", "GETKEYSINSLOT", slot, "100");
			for (Object key : keys) {
				source.command("MIGRATE", target.host(), Integer.toString(target.port()), (String) key, "0", "5000");
			}
		}
		while (!keys.isEmpty());
	}

	private static boolean owns(RedisServer primary, int slot) {
		return id(primary).equals(ownerIn(primary, slot));
	}

	/**
	 * The id of the node that serves {@code slot} as {@code node} sees it, or {@code null}.
	 */
	private static @Nullable String ownerIn(RedisServer node, int slot) {
		for (Object line : ((String) node.command("CLUSTER", "NODES")).lines().toList()) {
			String[] fields = ((String) line).split(" ");
			if (covers(fields, slot)) {
				return fields[0];
			}
		}
		return null;
	}

	private static boolean covers(String[] fields, int slot) {
		for (int i = 8; i < fields.length; i++) {
			String range = fields[i];
			if (range.startsWith("[")) {
				continue;
			}
			int dash = range.indexOf('-');
			int from = Integer.parseInt((dash < 0) ? range : range.substring(0, dash));
			int to = (dash < 0) ? from : Integer.parseInt(range.substring(dash + 1));
			if (slot >= from && slot <= to) {
				return true;
			}
		}
		return false;
	}

	private static RedisServer track(List<RedisServer> started, RedisServer server) {
		started.add(server);
		return server;
	}

}
