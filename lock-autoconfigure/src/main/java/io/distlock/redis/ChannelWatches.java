package io.distlock.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watches of a subscriber by channel. Reads are safe from any thread; callers serialize
 * {@link #add} and {@link #remove} with their own subscription changes.
 */
final class ChannelWatches {

	private final ConcurrentHashMap<String, Set<ChannelWatch>> byChannel = new ConcurrentHashMap<>();

	/**
	 * Adds a watch.
	 * @param watch the watch
	 * @return whether it is its channel's first, so the channel needs subscribing
	 */
	boolean add(ChannelWatch watch) {
		Set<ChannelWatch> watches = this.byChannel.computeIfAbsent(watch.channel(),
				(channel) -> ConcurrentHashMap.newKeySet());
		boolean first = watches.isEmpty();
		watches.add(watch);
		return first;
	}

	/**
	 * Removes a watch.
	 * @param watch the watch
	 * @return whether it was its channel's last, so the channel needs unsubscribing
	 */
	boolean remove(ChannelWatch watch) {
		Set<ChannelWatch> watches = this.byChannel.get(watch.channel());
		if (watches == null || !watches.remove(watch) || !watches.isEmpty()) {
			return false;
		}
		this.byChannel.remove(watch.channel());
		return true;
	}

	/**
	 * The watches of a channel now.
	 * @param channel the channel
	 * @return its watches, empty when none
	 */
	Set<ChannelWatch> of(String channel) {
		return this.byChannel.getOrDefault(channel, Set.of());
	}

	/**
	 * Whether a channel has watches.
	 * @param channel the channel
	 * @return whether it is watched
	 */
	boolean isWatched(String channel) {
		return this.byChannel.containsKey(channel);
	}

	/**
	 * The channels watched now.
	 * @return the channels
	 */
	Set<String> channels() {
		return this.byChannel.keySet();
	}

}
