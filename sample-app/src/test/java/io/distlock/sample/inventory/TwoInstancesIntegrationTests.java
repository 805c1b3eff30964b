package io.distlock.sample.inventory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
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
		assertThat(reserveAcrossInstances(client, "shared"))
			.containsExactlyInAnyOrderEntriesOf(Map.of(200, (long) STOCK, 409, (long) REQUESTS - STOCK));
		assertThat(client.get().uri(instances.get(1).url("/api/stock/shared")).retrieve().body(StockLevel.class))
			.isEqualTo(new StockLevel("shared", 0));
	}

	@Test
	void sharedTimelineShowsCriticalSectionsOfBothInstancesNeverOverlapping() throws Exception {
		RestClient client = RestClient.create();
		reserveAcrossInstances(client, "timeline");
		// Every reservation takes the lock, also those then refused for lack of stock.
		List<Span> spans = awaitSpans(client, "inventory:timeline", REQUESTS);
		assertThat(spans).extracting(Span::instance).contains("first", "second");
		for (int i = 1; i < spans.size(); i++) {
			assertThat(spans.get(i).start()).as("start of %s after %s", spans.get(i), spans.get(i - 1))
				.isGreaterThanOrEqualTo(spans.get(i - 1).end());
		}
	}

	@Test
	void oneInstanceLeadsAndThePageShowsIt() {
		RestClient client = RestClient.create();
		List<String> leaders = instances.stream()
			.filter((instance) -> JsonPath.<List<String>>read(
					client.get().uri(instance.url("/actuator/locks")).retrieve().body(String.class),
					"$.elections[?(@.role == 'leader')].name")
				.contains("distlock-sample"))
			.map(Instance::id)
			.toList();
		assertThat(leaders).hasSize(1);
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		String shown;
		do {
			shown = JsonPath.read(client.get().uri(instances.get(0).url("/api/activity")).retrieve().body(String.class),
					"$.leader.instance");
		}
		while (!leaders.get(0).equals(shown) && System.nanoTime() < deadline);
		assertThat(shown).isEqualTo(leaders.get(0));
	}

	private static Map<Integer, Long> reserveAcrossInstances(RestClient client, String sku) throws Exception {
		client.post().uri(instances.get(0).url("/api/stock/" + sku + "?quantity=" + STOCK)).retrieve().toBodilessEntity();
		ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
		List<Future<Integer>> statuses = new ArrayList<>();
		try {
			for (int i = 0; i < REQUESTS; i++) {
				Instance instance = instances.get(i % instances.size());
				statuses.add(pool.submit(() -> client.post()
					.uri(instance.url("/api/reserve/" + sku))
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
		return counts;
	}

	private static List<Span> awaitSpans(RestClient client, String key, int count) throws InterruptedException {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		List<Span> spans;
		do {
			Thread.sleep(200);
			List<Map<String, Object>> events = JsonPath.read(
					client.get().uri(instances.get(1).url("/api/activity")).retrieve().body(String.class),
					"$.events[?(@.key == '" + key + "')]");
			spans = Span.pair(events);
		}
		while (spans.size() < count && System.nanoTime() < deadline);
		assertThat(spans).as("acquisitions of %s released on the shared timeline", key).hasSize(count);
		return spans;
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
	 * One acquisition on the shared timeline, from its ACQUIRED to its RELEASED event.
	 */
	private record Span(String instance, long token, long start, long end) {

		static List<Span> pair(List<Map<String, Object>> events) {
			Map<String, Long> starts = new HashMap<>();
			List<Span> spans = new ArrayList<>();
			for (Map<String, Object> event : events) {
				String instance = (String) event.get("instance");
				long token = ((Number) event.get("token")).longValue();
				long at = ((Number) event.get("at")).longValue();
				String id = instance + " " + token;
				if ("ACQUIRED".equals(event.get("type"))) {
					starts.put(id, at);
				}
				else if (starts.containsKey(id)) {
					spans.add(new Span(instance, token, starts.remove(id), at));
				}
			}
			// In the order of their fencing tokens, which is the order in which they held the lock.
			spans.sort(Comparator.comparingLong(Span::token));
			return spans;
		}

	}

	/**
	 * A sample application in its own JVM.
	 */
	private static final class Instance implements AutoCloseable {

		private final JavaProcess process;

		private final String id;

		private int port;

		private Instance(JavaProcess process, String id) {
			this.process = process;
			this.id = id;
		}

		static Instance start(RedisServer server, String id) {
			return new Instance(JavaProcess.start(SampleApplication.class,
					List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
					"--sample.embedded-redis=never", "--spring.data.redis.host=" + server.host(),
					"--spring.data.redis.port=" + server.port(), "--server.port=0", "--sample.instance-id=" + id,
					"--sample.audit.interval=" + INTERVAL.toMillis() + "ms",
					"--sample.audit.lock-at-least-for=" + LOCK_AT_LEAST_FOR.toMillis() + "ms"), id);
		}

		void awaitStarted() {
			Matcher matcher = HTTP_PORT.matcher(this.process.awaitLine(HTTP_PORT.asPredicate(), START_TIMEOUT));
			matcher.find();
			this.port = Integer.parseInt(matcher.group(1));
			this.process.awaitLine((line) -> line.contains("Started SampleApplication"), START_TIMEOUT);
		}

		String id() {
			return this.id;
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
