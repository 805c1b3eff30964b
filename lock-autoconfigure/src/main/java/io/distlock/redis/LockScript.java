package io.distlock.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script read once from this package's resources, with the SHA-1 digest Redis knows it
 * by and the number of keys it takes: the lock, then, for the scripts that give out fencing
 * tokens, the fencing floor of its hash slot.
 */
final class LockScript {

	static final LockScript ACQUIRE = load("acquire.lua", 2);

	static final LockScript ACQUIRE_SHARED = load("acquire_shared.lua", 2);

	static final LockScript RELEASE = load("release.lua", 2);

	static final LockScript RENEW = load("renew.lua", 1);

	static final LockScript ABANDON = load("abandon.lua", 1);

	static final LockScript FORCE_RELEASE = load("force_release.lua", 1);

	/** Takes the floor and any number of locks: use {@link #withKeyCount}. */
	static final LockScript ACQUIRE_ALL = load("acquire_all.lua", 1);

	private final byte[] body;

	private final byte[] sha1;

	private final int keyCount;

	private LockScript(byte[] body, byte[] sha1, int keyCount) {
		this.body = body;
		this.sha1 = sha1;
		this.keyCount = keyCount;
	}

	private static LockScript load(String name, int keyCount) {
		try (InputStream in = LockScript.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("Lock script '" + name + "' is missing from the classpath");
			}
			byte[] body = in.readAllBytes();
			return new LockScript(body, HexFormat.of().formatHex(digest(body)).getBytes(StandardCharsets.US_ASCII),
					keyCount);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read lock script '" + name + "'", ex);
		}
	}

	private static byte[] digest(byte[] body) {
		try {
			return MessageDigest.getInstance("SHA-1").digest(body);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

	/**
	 * The script's text; callers must not modify it (it is not copied, being read on every call).
	 */
	byte[] body() {
		return this.body;
	}

	/**
	 * The script's hex SHA-1 digest; callers must not modify it.
	 */
	byte[] sha1() {
		return this.sha1;
	}

	/**
	 * This script called with {@code keyCount} keys: the lock's key only, without its slot's
	 * fencing floor (the scripts then give out tokens from the key and the clock alone), or the
	 * floor and several locks.
	 */
	LockScript withKeyCount(int keyCount) {
		return new LockScript(this.body, this.sha1, keyCount);
	}

	/**
	 * How many of a call's leading values are keys.
	 */
	int keyCount() {
		return this.keyCount;
	}

}
