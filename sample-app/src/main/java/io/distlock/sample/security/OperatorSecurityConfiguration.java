package io.distlock.sample.security;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Secures the actuator: anyone may read it, as before, but its write operations, such as releasing
 * a lock by force ({@code DELETE /actuator/locks/{key}}), take the operator of
 * {@code spring.security.user.*} (role {@value #OPERATOR}) over HTTP Basic. The page and
 * {@code /api/**} match no filter chain and stay open.
 *
 * @since 1.0.0
 */
@Configuration(proxyBeanMethods = false)
class OperatorSecurityConfiguration {

	/** The role that may use the actuator's write operations. */
	static final String OPERATOR = "OPERATOR";

	@Bean
	SecurityFilterChain actuatorSecurity(HttpSecurity http) {
		return http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET)
				.permitAll()
				.anyRequest()
				.hasRole(OPERATOR))
			.httpBasic(Customizer.withDefaults())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// Credentials come in an Authorization header on each request, never from a cookie or a
			// session, so a forged cross-site request has none to ride on and a CSRF token adds nothing.
			.csrf(AbstractHttpConfigurer::disable)
			.build();
	}

}
