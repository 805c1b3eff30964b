package io.distlock.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child JVM for {@link ProcessRegistryTests}: starts a Redis server, prints
 * {@code PID <pid>}, then waits to be killed ({@code hang}) or exits without stopping the
 * server as soon as the file named by its second argument exists ({@code exit <file>}).
 */
final class RedisOwningMain {

	private RedisOwningMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		RedisServer server = RedisServer.start();
		System.out.println("PID " + server.pid());
		if ("exit".equals(args[0])) {
			while (!Files.exists(Path.of(args[1]))) {
				Thread.sleep(10);
			}
			System.exit(0);
		}
		Thread.sleep(Long.MAX_VALUE);
	}

}
