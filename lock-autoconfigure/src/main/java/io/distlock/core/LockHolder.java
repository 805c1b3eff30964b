package io.distlock.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.jspecify.annotations.Nullable;

/**
 * How a process names itself as the holder of the locks it takes, for operators reading the
 * backend: {@code application@host (pid N)}.
 *
 * @since 1.0.0
 */
public final class LockHolder {

	private LockHolder() {
	}

	/**
	 * This process as a holder.
	 * @param applicationName the application's name ({@code spring.application.name}), or
	 * {@code null} to leave it out
	 * @return the description
	 */
	public static String of(@Nullable String applicationName) {
		String process = host() + " (pid " + ProcessHandle.current().pid() + ")";
		return (applicationName == null || applicationName.isBlank()) ? process : applicationName + "@" + process;
	}

	private static String host() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown-host";
		}
	}

}
