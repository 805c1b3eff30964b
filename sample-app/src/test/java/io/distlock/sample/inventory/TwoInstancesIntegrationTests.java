package io.distlock.sample.inventory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.web.client.RestClient;

import io.distlock.sample.SampleApplication;
import io.distlock.testsupport.JavaProcess;
import io.distlock.testsupport.RedisExtension;
import io.distlock.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for two sample instances, each in its own JVM, sharing one Redis.
 */
class TwoInstancesIntegrationTests {

	@RegisterExtension
	static final RedisExtension redis = new RedisExtension();

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	private static final Duration LOCK_AT_LEAST_FOR = Duration.ofMillis(800);

	private static final Duration WINDOW = Duration.ofSeconds(6);

	// Between taking the lock and recording the run, on a busy machine.
	private static final Duration RECORDING_SLACK = Duration.ofMillis(150);

	private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

	private static final Pattern HTTP_PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private static final int STOCK = 50;

	private static final int REQUESTS = 160;

	private static final int CONCURRENCY = 8;

	private static final List<Instance> instances = new ArrayList<>();

	@BeforeAll
	static void startInstances(RedisServer server) {
		instances.add(Instance.start(server, "first"));
		instances.add(Instance.start(server, "second"));
		instances.forEach(Instance::awaitStarted);
	}

	@AfterAll
	static void stopInstances() {
		instances.forEach(Instance::close);
		instances.clear();
	}

	@Test
	void auditRunsOncePerPeriodAcrossInstances(RedisServer server) throws InterruptedException {
		// Let both schedules get going, so the window sees only their steady state.
		Thread.sleep(INTERVAL.multipliedBy(2).toMillis());
		Instant from = Instant.now();
		Thread.sleep(WINDOW.toMillis());
		Instant to = Instant.now();
		List<Run> runs = runs(server).stream()
			.filter((run) -> !run.at().isBefore(from) && run.at().isBefore(to))
			.sorted(Comparator.comparing(Run::at))
			.toList();
		long periods = WINDOW.dividedBy(INTERVAL);
		assertThat(runs).as("runs in %s", WINDOW).hasSizeBetween((int) periods - 2, (int) periods + 1);
		assertThat(runs).extracting(Run::instance).isSubsetOf("first", "second");
		for (int i = 1; i < runs.size(); i++) {
			assertThat(Duration.between(runs.get(i - 1).at(), runs.get(i).at()))
				.as("time between %s and %s", runs.get(i - 1), runs.get(i))
				.isGreaterThanOrEqualTo(LOCK_AT_LEAST_FOR.minus(RECORDING_SLACK));
		}
	}

	@Test
	void guardedReservationsStayExactAcrossInstances() throws Exception {
		RestClient client = RestClient.create();
		client.post().uri(instances.get(0).url("/api/stock/shared?quantity=" + STOCK)).retrieve().toBodilessEntity();
		ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
		List<Future<Integer>> statuses = new ArrayList<>();
		try {
			for (int i = 0; i < REQUESTS; i++) {
				Instance instance = instances.get(i % instances.size());
				statuses.add(pool.submit(() -> client.post()
					.uri(instance.url("/api/reserve/shared"))
					.exchange((request, response) -> response.getStatusCode().value())));
			}
		}
		finally {
			pool.shutdown();
		}
		Map<Integer, Long> counts = new TreeMap<>();
		for (Future<Integer> status : statuses) {
			counts.merge(status.get(), 1L, Long::sum);
		}
		assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(200, (long) STOCK, 409, (long) REQUESTS - STOCK));
		assertThat(client.get().uri(instances.get(1).url("/api/stock/shared")).retrieve().body(StockLevel.class))
			.isEqualTo(new StockLevel("shared", 0));
	}

	private static List<Run> runs(RedisServer server) {
		try (Jedis jedis = server.jedis()) {
			return jedis.lrange(StockAuditJob.RUNS_KEY, 0, -1).stream().map(Run::parse).toList();
		}
	}

	/**
	 * One recorded audit run.
	 */
	private record Run(String instance, Instant at) {

		static Run parse(String entry) {
			String[] parts = entry.split(" ", 2);
			return new Run(parts[0], Instant.parse(parts[1]));
		}

	}

	/**
	 * A sample application in its own JVM.
	 */
	private static final class Instance implements AutoCloseable {

		private final JavaProcess process;

		private int port;

		private Instance(JavaProcess process) {
			this.process = process;
		}

		static Instance start(RedisServer server, String id) {
			return new Instance(JavaProcess.start(SampleApplication.class,
					List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
					"--sample.embedded-redis=never", "--spring.data.redis.host=" + server.host(),
					"--spring.data.redis.port=" + server.port(), "--server.port=0", "--sample.instance-id=" + id,
					"--sample.audit.interval=" + INTERVAL.toMillis() + "ms",
					"--sample.audit.lock-at-least-for=" + LOCK_AT_LEAST_FOR.toMillis() + "ms"));
		}

		void awaitStarted() {
			Matcher matcher = HTTP_PORT.matcher(this.process.awaitLine(HTTP_PORT.asPredicate(), START_TIMEOUT));
			matcher.find();
			this.port = Integer.parseInt(matcher.group(1));
			this.process.awaitLine((line) -> line.contains("Started SampleApplication"), START_TIMEOUT);
		}

		String url(String path) {
			return "http://127.0.0.1:" + this.port + path;
		}

		@Override
		public void close() {
			this.process.close();
		}

	}

}
