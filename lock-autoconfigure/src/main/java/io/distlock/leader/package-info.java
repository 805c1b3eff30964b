/**
 * Leader election on any {@link io.distlock.core.LockManager}: one node of a group leads at a
 * time, holding a renewed lease whose fencing token identifies its term.
 */
@NullMarked
package io.distlock.leader;

import org.jspecify.annotations.NullMarked;
