/**
 * Who may change what through the actuator: the operator, signed in with HTTP Basic.
 */
@NullMarked
package io.distlock.sample.security;

import org.jspecify.annotations.NullMarked;
