package io.distlock.testsupport;

import org.jspecify.annotations.Nullable;

/**
 * Closes groups of servers, every one even when some fail.
 *
 * @since 1.0.0
 */
final class RedisServers {

	private RedisServers() {
	}

	/**
	 * Closes every server in order.
	 * @param servers the servers
	 * @throws RuntimeException the first failure, later ones suppressed in it
	 */
	static void closeAll(Iterable<? extends RedisServer> servers) {
		RuntimeException failure = closeAll(servers, null);
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Closes every server in order, adding failures to {@code failure}.
	 * @param servers the servers
	 * @param failure what failed before, or {@code null}
	 * @return {@code failure}, or the first failure when it was {@code null}
	 */
	static @Nullable RuntimeException closeAll(Iterable<? extends RedisServer> servers,
			@Nullable RuntimeException failure) {
		RuntimeException first = failure;
		for (RedisServer server : servers) {
			try {
				server.close();
			}
			catch (RuntimeException ex) {
				if (first == null) {
					first = ex;
				}
				else {
					first.addSuppressed(ex);
				}
			}
		}
		return first;
	}

}
