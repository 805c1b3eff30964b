package io.distlock.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A primary, its replicas and the Sentinels that watch them, all plain processes on
 * loopback; a test kills the primary and waits for the Sentinels to promote a replica.
 * The Sentinels consider a node down after 1 s.
 *
 * @since 1.0.0
 */
public final class RedisSentinelTopology implements AutoCloseable {

	/** The name the Sentinels monitor the primary under. */
	public static final String MASTER_NAME = "distlock";

	private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisServer> dataNodes;

	private final List<RedisServer> sentinels;

	private RedisSentinelTopology(List<RedisServer> dataNodes, List<RedisServer> sentinels) {
		this.dataNodes = List.copyOf(dataNodes);
		this.sentinels = List.copyOf(sentinels);
	}

	/**
	 * Starts a primary with replicas and Sentinels, and waits until every Sentinel knows
	 * every replica and the other Sentinels, so a failover can start at once.
	 * @param replicas how many replicas, at least 1
	 * @param sentinels how many Sentinels, at least 1; the quorum is a majority of them
	 * @return the running topology
	 */
	public static RedisSentinelTopology start(int replicas, int sentinels) {
		if (replicas < 1 || sentinels < 1) {
			throw new IllegalArgumentException(
					"A Sentinel topology needs at least 1 replica and 1 Sentinel, got " + replicas + " and " + sentinels);
		}
		List<RedisServer> started = new ArrayList<>();
		try {
			RedisServer primary = ProcessRedisServer.start(RedisOptions.defaults());
			started.add(primary);
			for (int i = 0; i < replicas; i++) {
				started.add(ProcessRedisServer.start(RedisOptions.defaults()
					.with("replicaof", primary.host(), Integer.toString(primary.port()))));
			}
			List<RedisServer> watchers = new ArrayList<>();
			for (int i = 0; i < sentinels; i++) {
				RedisServer sentinel = ProcessRedisServer
					.start(RedisOptions.sentinel(MASTER_NAME, primary.port(), sentinels / 2 + 1));
				started.add(sentinel);
				watchers.add(sentinel);
			}
			RedisSentinelTopology topology = new RedisSentinelTopology(started.subList(0, replicas + 1), watchers);
			topology.awaitSettled(replicas, sentinels - 1);
			return topology;
		}
		catch (RuntimeException ex) {
			RedisServers.closeAll(started, ex);
			throw ex;
		}
	}

	/**
	 * Returns the node the Sentinels name as primary now.
	 * @return the primary
	 */
	public RedisServer primary() {
		int port = primaryPort();
		return this.dataNodes.stream()
			.filter((node) -> node.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node of " + this + " listens on " + port));
	}

	/**
	 * Returns the data nodes that are not the primary now.
	 * @return the replicas
	 */
	public List<RedisServer> replicas() {
		int port = primaryPort();
		return this.dataNodes.stream().filter((node) -> node.port() != port).toList();
	}

	/**
	 * Returns the Sentinels.
	 * @return the Sentinels
	 */
	public List<RedisServer> sentinels() {
		return this.sentinels;
	}

	/**
	 * Returns {@code host:port} of every Sentinel, as {@code spring.data.redis.sentinel.nodes}
	 * takes them.
	 * @return the Sentinel addresses
	 */
	public List<String> sentinelAddresses() {
		return this.sentinels.stream().map((node) -> node.host() + ":" + node.port()).toList();
	}

	/**
	 * Waits until a live Sentinel names a primary other than {@code previous}, and that
	 * node answers as a primary.
	 * @param previous the primary before the failover
	 * @param timeout how long to wait
	 * @return the new primary
	 */
	public RedisServer awaitPromotion(RedisServer previous, Duration timeout) {
		boolean promoted = Poll.until(timeout, () -> {
			try {
				RedisServer primary = primary();
				return primary != previous
						&& ((String) primary.command("INFO", "replication")).contains("role:master");
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
		if (!promoted) {
			throw new IllegalStateException("No replica of " + this + " was promoted within " + timeout);
		}
		return primary();
	}

	@Override
	public void close() {
		List<RedisServer> all = new ArrayList<>(this.sentinels);
		all.addAll(this.dataNodes);
		RedisServers.closeAll(all);
	}

	@Override
	public String toString() {
		return "Sentinel topology " + this.dataNodes.stream().map(RedisServer::port).toList() + " watched by "
				+ sentinelAddresses();
	}

	private int primaryPort() {
		for (RedisServer sentinel : this.sentinels) {
			if (!sentinel.isAlive()) {
				continue;
			}
			List<?> address = (List<?>) sentinel.command("SENTINEL", "get-master-addr-by-name", MASTER_NAME);
			return Integer.parseInt((String) Objects.requireNonNull(address).get(1));
		}
		throw new IllegalStateException("No Sentinel of " + this + " is alive");
	}

	private void awaitSettled(int replicas, int otherSentinels) {
		boolean settled = Poll.until(SETTLE_TIMEOUT, () -> this.sentinels.stream().allMatch((sentinel) -> {
			List<?> master = (List<?>) sentinel.command("SENTINEL", "MASTER", MASTER_NAME);
			return field(master, "num-slaves") >= replicas && field(master, "num-other-sentinels") >= otherSentinels;
		}) && this.dataNodes.subList(1, this.dataNodes.size())
			.stream()
			.allMatch((replica) -> ((String) replica.command("INFO", "replication")).contains("master_link_status:up")));
		if (!settled) {
			throw new IllegalStateException(this + " did not settle within " + SETTLE_TIMEOUT);
		}
	}

	private static int field(List<?> fields, String name) {
		return Integer.parseInt((String) fields.get(fields.indexOf(name) + 1));
	}

}
