/**
 * The distlock sample application: an inventory service on Redis.
 */
@NullMarked
package io.distlock.sample;

import org.jspecify.annotations.NullMarked;
