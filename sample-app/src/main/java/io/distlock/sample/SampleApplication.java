package io.distlock.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * An inventory service that shows what the distlock starter does: reservations guarded by
 * {@code @DistributedLock} next to an unguarded twin, a built-in load test, and a scheduled
 * audit that runs once per period across instances.
 *
 * @since 1.0.0
 */
@SpringBootApplication
@EnableScheduling
public class SampleApplication {

	/**
	 * Starts the sample.
	 * @param args Spring Boot command-line arguments, such as {@code --server.port=8081}
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
