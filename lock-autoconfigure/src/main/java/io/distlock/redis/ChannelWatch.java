package io.distlock.redis;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distlock.core.spi.ReleaseWatch;

/**
 * One watcher of one release channel: ready once its subscription is confirmed, woken on each
 * message and again on each later confirmation (a re-subscription may have missed releases).
 */
final class ChannelWatch implements ReleaseWatch {

	private static final Logger logger = LoggerFactory.getLogger(ChannelWatch.class);

	private final String channel;

	private final Runnable onRelease;

	private final Consumer<ChannelWatch> onClose;

	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	ChannelWatch(String channel, Runnable onRelease, Consumer<ChannelWatch> onClose) {
		this.channel = channel;
		this.onRelease = onRelease;
		this.onClose = onClose;
	}

	String channel() {
		return this.channel;
	}

	void subscribed() {
		if (!this.ready.complete(null)) {
			// Re-subscribed after a reconnect: releases may have been missed meanwhile.
			released();
		}
	}

	void released() {
		try {
			this.onRelease.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Release notification handler failed for '{}'", this.channel, ex);
		}
	}

	@Override
	public CompletableFuture<Void> ready() {
		return this.ready;
	}

	@Override
	public void close() {
		this.onClose.accept(this);
	}

}
