package io.distlock.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.Subscription;
import org.springframework.data.redis.connection.SubscriptionListener;

import io.distlock.core.spi.ReleaseWatch;

/**
 * Delivers release notifications over one subscription connection per manager, subscribed to
 * the channels of the keys this process waits for (a channel is named like its key). A thread of
 * its own holds the connection and reconnects with back-off when it breaks; after reconnecting,
 * every watcher is woken because notifications may have been missed meanwhile.
 */
final class ReleaseSubscriber implements ReleaseNotifications {

	private static final Logger logger = LoggerFactory.getLogger(ReleaseSubscriber.class);

	private static final long MIN_RECONNECT_MILLIS = 50;

	private static final long MAX_RECONNECT_MILLIS = 2000;

	private final RedisConnectionFactory connectionFactory;

	private final byte[] controlChannel;

	private final ChannelWatches watches = new ChannelWatches();

	private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

	private final ReentrantLock subscriptionLock = new ReentrantLock();

	private final Thread thread;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile @Nullable Subscription subscription;

	private volatile @Nullable RedisConnection connection;

	private volatile boolean running = true;

	ReleaseSubscriber(RedisConnectionFactory connectionFactory, String controlChannel) {
		this.connectionFactory = connectionFactory;
		this.controlChannel = controlChannel.getBytes(StandardCharsets.UTF_8);
		this.thread = new Thread(this::subscribeUntilClosed, "distlock-subscriber");
		this.thread.setDaemon(true);
	}

	@Override
	public void start() {
		if (this.started.compareAndSet(false, true)) {
			this.thread.start();
		}
	}

	@Override
	public ReleaseWatch watch(String channel, Runnable onRelease) {
		ChannelWatch watch = new ChannelWatch(channel, onRelease, this::unwatch);
		this.subscriptionLock.lock();
		try {
			boolean first = this.watches.add(watch);
			Subscription current = this.subscription;
			if (this.confirmed.contains(channel)) {
				watch.subscribed();
			}
			else if (first && current != null && current.isAlive()) {
				current.subscribe(bytes(channel));
			}
		}
		catch (RuntimeException ex) {
			// The subscription broke; reconnecting subscribes every watched channel.
			logger.debug("Could not subscribe to '{}'", channel, ex);
		}
		finally {
			this.subscriptionLock.unlock();
		}
		return watch;
	}

	private void unwatch(ChannelWatch watch) {
		this.subscriptionLock.lock();
		try {
			if (!this.watches.remove(watch)) {
				return;
			}
			this.confirmed.remove(watch.channel());
			Subscription current = this.subscription;
			if (current != null && current.isAlive()) {
				current.unsubscribe(bytes(watch.channel()));
			}
		}
		catch (RuntimeException ex) {
			// The subscription broke; reconnecting subscribes only channels still watched.
			logger.debug("Could not unsubscribe from '{}'", watch.channel(), ex);
		}
		finally {
			this.subscriptionLock.unlock();
		}
	}

	private void subscribeUntilClosed() {
		int failures = 0;
		try {
			while (this.running) {
				try (RedisConnection opened = this.connectionFactory.getConnection()) {
					this.connection = opened;
					opened.subscribe(new Listener(), channels());
					failures = 0;
				}
				catch (RuntimeException ex) {
					if (!this.running) {
						return;
					}
					if (failures++ == 0) {
						logger.warn("Release notifications interrupted, reconnecting: {}", ex.toString());
					}
					else {
						logger.debug("Release notifications still down", ex);
					}
				}
				finally {
					this.subscription = null;
					this.connection = null;
					this.confirmed.clear();
				}
				pause(Math.min(MAX_RECONNECT_MILLIS, MIN_RECONNECT_MILLIS << Math.min(failures, 10)));
			}
		}
		finally {
			this.stopped.countDown();
		}
	}

	private byte[][] channels() {
		List<byte[]> channels = new ArrayList<>();
		channels.add(this.controlChannel);
		this.watches.channels().forEach((channel) -> channels.add(bytes(channel)));
		return channels.toArray(new byte[0][]);
	}

	private void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	private static byte[] bytes(String channel) {
		return channel.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.running = false;
		this.subscriptionLock.lock();
		try {
			Subscription current = this.subscription;
			if (current != null) {
				current.close();
			}
			RedisConnection open = this.connection;
			if (open != null) {
				open.close();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Closing the release subscription failed", ex);
		}
		finally {
			this.subscriptionLock.unlock();
		}
		if (!this.started.get()) {
			return;
		}
		this.thread.interrupt();
		try {
			this.stopped.await(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Receives the subscription's messages and confirmations on the subscriber thread.
	 */
	private final class Listener implements MessageListener, SubscriptionListener {

		@Override
		public void onMessage(Message message, byte @Nullable [] pattern) {
			ReleaseSubscriber.this.watches.of(new String(message.getChannel(), StandardCharsets.UTF_8))
				.forEach(ChannelWatch::released);
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			if (Arrays.equals(channel, ReleaseSubscriber.this.controlChannel)) {
				connected();
				return;
			}
			String name = new String(channel, StandardCharsets.UTF_8);
			if (ReleaseSubscriber.this.watches.isWatched(name)) {
				ReleaseSubscriber.this.confirmed.add(name);
				ReleaseSubscriber.this.watches.of(name).forEach(ChannelWatch::subscribed);
			}
		}

		/**
		 * Publishes the new subscription and subscribes channels watched since the connection
		 * was opened.
		 */
		private void connected() {
			ReleaseSubscriber subscriber = ReleaseSubscriber.this;
			RedisConnection open = subscriber.connection;
			subscriber.subscriptionLock.lock();
			try {
				Subscription current = (open != null) ? open.getSubscription() : null;
				subscriber.subscription = current;
				if (current == null) {
					return;
				}
				List<byte[]> missing = new ArrayList<>();
				for (String channel : subscriber.watches.channels()) {
					byte[] raw = bytes(channel);
					if (current.getChannels().stream().noneMatch((known) -> Arrays.equals(known, raw))) {
						missing.add(raw);
					}
				}
				if (!missing.isEmpty()) {
					current.subscribe(missing.toArray(new byte[0][]));
				}
			}
			finally {
				subscriber.subscriptionLock.unlock();
			}
		}

	}

}
