package io.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.JedisClusterCRC16;

import io.distlock.core.spi.ReleaseWatch;

/**
 * Delivers release notifications on a Redis 7+ cluster through sharded pub/sub: each channel
 * (named like its lock key, so in the key's slot) is subscribed with {@code SSUBSCRIBE} on the
 * primary that serves the slot, one connection and thread per primary in use. When a slot moves
 * or a primary fails, Redis ends the subscriptions there; the channels are routed again to the
 * slot's new primary, with back-off while the cluster has none, and their watchers are woken.
 */
final class ShardedReleaseSubscriber implements ReleaseNotifications {

	private static final Logger logger = LoggerFactory.getLogger(ShardedReleaseSubscriber.class);

	private static final long MIN_RETRY_MILLIS = 50;

	private static final long MAX_RETRY_MILLIS = 2000;

	private final ClusterClient cluster;

	private final ReentrantLock lock = new ReentrantLock();

	private final ChannelWatches watches = new ChannelWatches();

	private final Map<String, NodeSubscription> routes = new HashMap<>();

	private final Set<String> confirmed = new HashSet<>();

	private final Map<String, NodeSubscription> nodes = new HashMap<>();

	private final ScheduledExecutorService router;

	private volatile boolean running = true;

	ShardedReleaseSubscriber(ClusterClient cluster) {
		this.cluster = cluster;
		this.router = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "distlock-sharded-router");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public ReleaseWatch watch(String channel, Runnable onRelease) {
		ChannelWatch watch = new ChannelWatch(channel, onRelease, this::unwatch);
		this.lock.lock();
		try {
			boolean first = this.watches.add(watch);
			if (this.confirmed.contains(channel)) {
				watch.subscribed();
			}
			else if (first && !this.routes.containsKey(channel)) {
				schedule(channel, 0, false);
			}
		}
		finally {
			this.lock.unlock();
		}
		return watch;
	}

	private void unwatch(ChannelWatch watch) {
		this.lock.lock();
		try {
			if (!this.watches.remove(watch)) {
				return;
			}
			this.confirmed.remove(watch.channel());
			NodeSubscription node = this.routes.remove(watch.channel());
			if (node != null) {
				node.remove(watch.channel());
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void schedule(String channel, int failures, boolean refresh) {
		if (!this.running) {
			return;
		}
		long delay = (failures == 0) ? 0 : Math.min(MAX_RETRY_MILLIS, MIN_RETRY_MILLIS << Math.min(failures, 10));
		try {
			this.router.schedule(() -> route(channel, failures, refresh), delay, TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			// Rejected: the subscriber is closing.
			logger.debug("Not routing '{}': closing", channel, ex);
		}
	}

	/**
	 * Subscribes a watched channel on the primary of its slot; runs on the router thread only.
	 */
	private void route(String channel, int failures, boolean refresh) {
		byte[] raw = bytes(channel);
		if (!isUnrouted(channel)) {
			return;
		}
		Connection connection = null;
		try {
			if (refresh) {
				this.cluster.refreshSlotOf(raw);
			}
			connection = this.cluster.connectionFromSlot(JedisClusterCRC16.getSlot(raw));
			String nodeId = nodeId(connection);
			this.lock.lock();
			try {
				if (!this.running || !this.watches.isWatched(channel) || this.routes.containsKey(channel)) {
					connection.close();
					return;
				}
				NodeSubscription node = this.nodes.get(nodeId);
				if (node != null && node.alive) {
					connection.close();
					this.routes.put(channel, node);
					node.add(channel);
					return;
				}
				node = new NodeSubscription(nodeId, connection, channel);
				this.nodes.put(nodeId, node);
				this.routes.put(channel, node);
				node.start();
			}
			finally {
				this.lock.unlock();
			}
		}
		catch (RuntimeException ex) {
			if (connection != null) {
				connection.close();
			}
			if (failures == 0) {
				logger.warn("Release notifications for '{}' interrupted, subscribing again: {}", channel, ex.toString());
			}
			else {
				logger.debug("Release notifications for '{}' still down", channel, ex);
			}
			schedule(channel, failures + 1, true);
		}
	}

	private boolean isUnrouted(String channel) {
		this.lock.lock();
		try {
			return this.running && this.watches.isWatched(channel) && !this.routes.containsKey(channel);
		}
		finally {
			this.lock.unlock();
		}
	}

	private static String nodeId(Connection connection) {
		Object reply = connection.executeCommand(new CommandArguments(Protocol.Command.CLUSTER).add(bytes("MYID")));
		return (reply instanceof byte[] raw) ? string(raw) : String.valueOf(reply);
	}

	/**
	 * Forgets a node's subscription that ended and routes its channels again.
	 */
	private void ended(NodeSubscription node) {
		List<String> orphans = new ArrayList<>();
		this.lock.lock();
		try {
			node.alive = false;
			this.nodes.remove(node.nodeId, node);
			for (String channel : node.channels) {
				if (this.routes.remove(channel, node)) {
					this.confirmed.remove(channel);
					orphans.add(channel);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		orphans.forEach((channel) -> schedule(channel, 0, true));
	}

	@Override
	public void close() {
		List<NodeSubscription> open;
		this.lock.lock();
		try {
			this.running = false;
			open = new ArrayList<>(this.nodes.values());
		}
		finally {
			this.lock.unlock();
		}
		this.router.shutdownNow();
		for (NodeSubscription node : open) {
			node.stop();
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(byte[] value) {
		return new String(value, StandardCharsets.UTF_8);
	}

	/**
	 * The subscription on one primary: its own connection, held by its own thread.
	 */
	private final class NodeSubscription extends BinaryJedisShardedPubSub {

		private final String nodeId;

		private final Connection connection;

		private final byte[] first;

		private final Set<String> channels = new HashSet<>();

		private final Thread thread;

		private volatile boolean alive = true;

		NodeSubscription(String nodeId, Connection connection, String first) {
			this.nodeId = nodeId;
			this.connection = connection;
			this.first = bytes(first);
			this.channels.add(first);
			this.thread = new Thread(this::run, "distlock-sharded-subscriber");
			this.thread.setDaemon(true);
		}

		void start() {
			this.thread.start();
		}

		/** Called under the subscriber's lock. */
		void add(String channel) {
			this.channels.add(channel);
			try {
				ssubscribe(bytes(channel));
			}
			catch (RuntimeException ex) {
				// Not connected yet, or no longer: route the channel again after a pause.
				logger.debug("Could not subscribe to '{}'", channel, ex);
				this.channels.remove(channel);
				ShardedReleaseSubscriber.this.routes.remove(channel, this);
				schedule(channel, 1, false);
			}
		}

		/** Called under the subscriber's lock. */
		void remove(String channel) {
			this.channels.remove(channel);
			try {
				sunsubscribe(bytes(channel));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not unsubscribe from '{}'", channel, ex);
			}
		}

		private void run() {
			try {
				proceed(this.connection, this.first);
			}
			catch (RuntimeException ex) {
				if (ShardedReleaseSubscriber.this.running) {
					logger.debug("Sharded subscription on node {} ended", this.nodeId, ex);
				}
			}
			finally {
				// Never hand a connection that was in subscribe mode back to the pool.
				this.connection.setBroken();
				this.connection.close();
				ended(this);
			}
		}

		void stop() {
			try {
				this.connection.disconnect();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the sharded subscription on node {} failed", this.nodeId, ex);
			}
		}

		@Override
		public void onSSubscribe(byte[] channel, int subscribedChannels) {
			String name = string(channel);
			List<ChannelWatch> toNotify;
			ShardedReleaseSubscriber subscriber = ShardedReleaseSubscriber.this;
			subscriber.lock.lock();
			try {
				if (subscriber.routes.get(name) != this) {
					return;
				}
				subscriber.confirmed.add(name);
				toNotify = new ArrayList<>(subscriber.watches.of(name));
			}
			finally {
				subscriber.lock.unlock();
			}
			toNotify.forEach(ChannelWatch::subscribed);
		}

		@Override
		public void onSMessage(byte[] channel, byte[] message) {
			List<ChannelWatch> toNotify;
			ShardedReleaseSubscriber subscriber = ShardedReleaseSubscriber.this;
			subscriber.lock.lock();
			try {
				toNotify = new ArrayList<>(subscriber.watches.of(string(channel)));
			}
			finally {
				subscriber.lock.unlock();
			}
			toNotify.forEach(ChannelWatch::released);
		}

		@Override
		public void onSUnsubscribe(byte[] channel, int subscribedChannels) {
			String name = string(channel);
			ShardedReleaseSubscriber subscriber = ShardedReleaseSubscriber.this;
			boolean moved;
			subscriber.lock.lock();
			try {
				this.channels.remove(name);
				// Still routed here, so not asked for: the slot moved away from this node.
				moved = subscriber.routes.remove(name, this);
				if (moved) {
					subscriber.confirmed.remove(name);
				}
			}
			finally {
				subscriber.lock.unlock();
			}
			if (moved) {
				subscriber.schedule(name, 0, true);
			}
		}

	}

}
