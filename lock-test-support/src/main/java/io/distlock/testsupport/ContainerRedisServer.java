package io.distlock.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.dockerjava.api.DockerClient;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.Jedis;

/**
 * A Redis server in a Testcontainers container, for machines that run Docker; selected
 * with {@code -Ddistlock.test.redis=testcontainers}. Plain servers only: cluster and
 * Sentinel modes need the process path.
 *
 * @since 1.0.0
 */
final class ContainerRedisServer implements RedisServer {

	/** System property naming the Docker image. */
	static final String IMAGE_PROPERTY = "distlock.test.redis-image";

	private static final String DEFAULT_IMAGE = "redis:7.0";

	private static final int REDIS_PORT = 6379;

	private final GenericContainer<?> container;

	private final int port;

	private final Duration startTimeout;

	private final String version;

	private volatile boolean paused;

	private ContainerRedisServer(GenericContainer<?> container, int port, Duration startTimeout) {
		this.container = container;
		this.port = port;
		this.startTimeout = startTimeout;
		try (Jedis jedis = jedis()) {
			this.version = jedis.info("server")
				.lines()
				.filter((line) -> line.startsWith("redis_version:"))
				.map((line) -> line.substring("redis_version:".length()).trim())
				.findFirst()
				.orElse("unknown");
		}
	}

	/**
	 * Starts a container running the given options.
	 * @param options the options; the binary is ignored
	 * @return the running server
	 */
	static RedisServer start(RedisOptions options) {
		if (options.mode() != RedisOptions.Mode.STANDALONE) {
			throw new UnsupportedOperationException(
					"Redis in a container runs plain servers only, not " + options.mode() + " mode");
		}
		int port = FreePorts.find();
		GenericContainer<?> container = new GenericContainer<>(
				DockerImageName.parse(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE)))
			.withExposedPorts(REDIS_PORT)
			.withCommand(command(options))
			.withStartupTimeout(options.startTimeout());
		// A fixed host port, so that it survives restart() as a process's does.
		container.setPortBindings(List.of(port + ":" + REDIS_PORT));
		container.start();
		return new ContainerRedisServer(container, port, options.startTimeout());
	}

	@Override
	public String host() {
		return this.container.getHost();
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public long pid() {
		Long pid = docker().inspectContainerCmd(id()).exec().getState().getPidLong();
		if (pid == null || pid == 0) {
			throw new IllegalStateException("Docker reports no PID for container " + id());
		}
		return pid;
	}

	@Override
	public String version() {
		return this.version;
	}

	@Override
	public boolean isAlive() {
		return this.container.isRunning();
	}

	@Override
	public synchronized void kill() {
		// Docker refuses to kill a paused container.
		if (this.paused) {
			resume();
		}
		docker().killContainerCmd(id()).exec();
	}

	@Override
	public synchronized void pause() {
		docker().pauseContainerCmd(id()).exec();
		this.paused = true;
	}

	@Override
	public synchronized void resume() {
		docker().unpauseContainerCmd(id()).exec();
		this.paused = false;
	}

	@Override
	public synchronized void restart() {
		stop();
		docker().startContainerCmd(id()).exec();
		if (!RedisPing.await(host(), this.port, this.startTimeout, this::isAlive)) {
			throw new IllegalStateException("Redis in container " + id() + " did not answer PING on " + host() + ":"
					+ this.port + " within " + this.startTimeout + " of a restart. Logs:" + System.lineSeparator()
					+ this.container.getLogs());
		}
	}

	@Override
	public synchronized void stop() {
		if (this.paused) {
			resume();
		}
		if (isAlive()) {
			docker().stopContainerCmd(id()).exec();
		}
	}

	@Override
	public synchronized void close() {
		if (this.paused) {
			resume();
		}
		this.container.stop();
	}

	@Override
	public String toString() {
		return "Redis " + this.version + " in container " + id() + " on " + host() + ":" + this.port;
	}

	private DockerClient docker() {
		return this.container.getDockerClient();
	}

	private String id() {
		return this.container.getContainerId();
	}

	private static String[] command(RedisOptions options) {
		List<String> command = new ArrayList<>(List.of("redis-server", "--save", "", "--appendonly", "no",
				"--protected-mode", "no"));
		for (RedisOptions.Directive directive : options.directives()) {
			command.add("--" + directive.name());
			command.addAll(directive.values());
		}
		return command.toArray(String[]::new);
	}

}
