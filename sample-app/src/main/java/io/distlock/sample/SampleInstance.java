package io.distlock.sample;

import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The name of this running instance of the sample, {@code sample.instance-id} or a random one:
 * it tells instances apart in the audit log and on the shared lock timeline.
 *
 * @since 1.0.0
 */
@Component
public final class SampleInstance {

	private static final int GENERATED_ID_LENGTH = 8;

	private final String id;

	SampleInstance(@Value("${sample.instance-id}") String id) {
		if (id.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalArgumentException("sample.instance-id must not contain whitespace, was '" + id + "'");
		}
		this.id = StringUtils.hasText(id) ? id : UUID.randomUUID().toString().substring(0, GENERATED_ID_LENGTH);
	}

	/**
	 * Returns the instance's name.
	 * @return the name, never blank
	 */
	public String id() {
		return this.id;
	}

	@Override
	public String toString() {
		return this.id;
	}

}
