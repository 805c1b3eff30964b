package io.distlock.sample.dashboard;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Who leads, in the Redis hash {@value #KEY}. Leaders report with the fencing token of their term,
 * and a report from an older term than the one recorded is refused: a leader that was paused past
 * its lease cannot overwrite its successor.
 *
 * @since 1.0.0
 */
@Component
class LeaderRegister {

	/** The Redis hash of the leader. */
	static final String KEY = "sample:leader";

	private static final RedisScript<Long> REPORT = RedisScript
		.of(new ClassPathResource("report-leader.lua", LeaderRegister.class), Long.class);

	private final StringRedisTemplate redis;

	private final HashOperations<String, String, String> hash;

	LeaderRegister(StringRedisTemplate redis) {
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.hash = redis.opsForHash();
	}

	/**
	 * Records {@code instance} as the leader of the term {@code token}.
	 * @param instance the instance that leads
	 * @param token the fencing token of its term
	 * @return {@code false} if a later term was recorded already, so nothing was written
	 */
	boolean report(String instance, long token) {
		Long recorded = this.redis.execute(REPORT, List.of(KEY), Long.toString(token), instance,
				Long.toString(System.currentTimeMillis()));
		return Long.valueOf(1).equals(recorded);
	}

	/**
	 * Returns the leader last reported.
	 * @return the leader, empty if none ever reported
	 */
	Optional<LeaderStatus> current() {
		Map<String, String> fields = this.hash.entries(KEY);
		if (fields.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(new LeaderStatus(fields.get("instance"), Long.parseLong(fields.get("token")),
				Long.parseLong(fields.get("since")), Long.parseLong(fields.get("seen"))));
	}

}
