package io.distlock.actuate;

import java.security.Principal;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import io.distlock.core.HeldLock;
import io.distlock.core.LockIntrospector;

/**
 * The {@code locks} endpoint's forced release over HTTP: {@code DELETE /actuator/locks/{key}}
 * frees the lock whoever holds it ({@code 204}), or answers {@code 404} when nothing holds it.
 * Each release is logged at WARN with the authenticated caller. The endpoint is read-only unless
 * its access is raised ({@code management.endpoint.locks.access=unrestricted}).
 *
 * @since 1.0.0
 */
@EndpointWebExtension(endpoint = LocksEndpoint.class)
public class LocksEndpointWebExtension {

	private static final Logger logger = LoggerFactory.getLogger(LocksEndpointWebExtension.class);

	private final LockIntrospector locks;

	/**
	 * Creates the extension.
	 * @param locks the lock manager to release locks through
	 */
	public LocksEndpointWebExtension(LockIntrospector locks) {
		this.locks = Objects.requireNonNull(locks, "'locks' must not be null");
	}

	/**
	 * Frees the lock held under {@code key}, whoever holds it. Its holder's handle reports the
	 * lease lost at its next renewal, and the next holder's fencing token is greater; code the
	 * holder runs meanwhile goes on (fencing protects the data).
	 * @param securityContext who asks
	 * @param key the lock key, without the prefix; it may contain {@code /}
	 * @return {@code 204} when a lock was freed, {@code 404} when nothing held it
	 */
	@DeleteOperation
	public WebEndpointResponse<Void> release(SecurityContext securityContext,
			@Selector(match = Match.ALL_REMAINING) String[] key) {
		String lockKey = String.join("/", key);
		HeldLock evicted;
		try {
			evicted = this.locks.forceRelease(lockKey);
		}
		catch (UnsupportedOperationException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "No forced release on this backend");
		}
		if (evicted == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		Principal principal = securityContext.getPrincipal();
		logger.warn("Lock '{}' (key '{}', fencing token {}, held by {}) was released by force by {}", evicted.name(),
				lockKey, evicted.fencingToken(), (evicted.holder() != null) ? evicted.holder() : "an unrecorded holder",
				(principal != null) ? principal.getName() : "an unauthenticated caller");
		return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NO_CONTENT);
	}

}
