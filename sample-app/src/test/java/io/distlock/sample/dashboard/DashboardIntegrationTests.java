package io.distlock.sample.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import io.distlock.leader.LeaderElection;
import io.distlock.sample.SampleInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DashboardController}: the lock timeline and the leader register that feed the page.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.embedded-redis=always")
class DashboardIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private SampleInstance instance;

	@Autowired
	private LeaderElection election;

	@Autowired
	private LeaderRegister register;

	private RestClient client;

	@BeforeEach
	void createClient() {
		this.client = RestClient.create("http://127.0.0.1:" + this.port);
	}

	@Test
	void timelineHasTheAcquisitionAndReleaseOfAReservation() {
		this.client.post().uri("/api/stock/recorded?quantity=1").retrieve().toBodilessEntity();
		this.client.post().uri("/api/reserve/recorded").retrieve().toBodilessEntity();
		List<LockEvent> events = events(
				awaitActivity((activity) -> events(activity, "inventory:recorded").size() == 2), "inventory:recorded");
		assertThat(events).extracting(LockEvent::type).containsExactly(LockEvent.Type.ACQUIRED, LockEvent.Type.RELEASED);
		assertThat(events).extracting(LockEvent::instance).containsOnly(this.instance.id());
		assertThat(events).extracting(LockEvent::name).containsOnly("inventory");
		assertThat(events.get(0).token()).isPositive().isEqualTo(events.get(1).token());
		assertThat(events.get(0).at()).isLessThanOrEqualTo(events.get(1).at());
	}

	@Test
	void leaderReportsItselfWithTheFencingTokenOfItsTerm() {
		// The register keeps an earlier term's report until the current term's first heartbeat.
		LeaderStatus leader = awaitActivity((activity) -> this.election.isLeader() && activity.leader() != null
				&& activity.leader().token() == this.election.fencingToken())
			.leader();
		assertThat(leader.instance()).isEqualTo(this.instance.id());
		assertThat(leader.token()).isEqualTo(this.election.fencingToken());
		assertThat(leader.since()).isLessThanOrEqualTo(leader.seen());
	}

	@Test
	void registerRefusesAReportFromAnEarlierTerm() {
		LeaderStatus leader = awaitActivity((activity) -> activity.leader() != null).leader();
		assertThat(this.register.report("deposed", leader.token() - 1)).isFalse();
		assertThat(this.register.current()).hasValueSatisfying((current) -> {
			assertThat(current.instance()).isEqualTo(this.instance.id());
			assertThat(current.token()).isGreaterThanOrEqualTo(leader.token());
		});
	}

	private static List<LockEvent> events(DashboardController.Activity activity, String key) {
		return activity.events().stream().filter((event) -> event.key().equals(key)).toList();
	}

	private DashboardController.Activity awaitActivity(Predicate<DashboardController.Activity> ready) {
		return Poll.until("/api/activity",
				() -> this.client.get().uri("/api/activity").retrieve().body(DashboardController.Activity.class), ready,
				TIMEOUT);
	}

}
