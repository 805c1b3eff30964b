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
 * by.
 */
final class LockScript {

	static final LockScript ACQUIRE = load("acquire.lua");

	static final LockScript RELEASE = load("release.lua");

	static final LockScript RENEW = load("renew.lua");

	static final LockScript ABANDON = load("abandon.lua");

	private final byte[] body;

	private final byte[] sha1;

	private LockScript(byte[] body) {
		this.body = body;
		this.sha1 = HexFormat.of().formatHex(digest(body)).getBytes(StandardCharsets.US_ASCII);
	}

	private static LockScript load(String name) {
		try (InputStream in = LockScript.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("Lock script '" + name + "' is missing from the classpath");
			}
			return new LockScript(in.readAllBytes());
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

}
