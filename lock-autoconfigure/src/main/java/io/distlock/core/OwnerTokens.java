package io.distlock.core;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes per-acquisition owner tokens unique across processes: a random per-manager prefix and a
 * counter, so no random number is drawn per acquisition.
 */
final class OwnerTokens {

	private final String prefix;

	private final AtomicLong sequence = new AtomicLong();

	OwnerTokens() {
		byte[] random = new byte[12];
		new SecureRandom().nextBytes(random);
		this.prefix = HexFormat.of().formatHex(random) + ":";
	}

	String next() {
		return this.prefix + Long.toString(this.sequence.incrementAndGet(), 36);
	}

}
