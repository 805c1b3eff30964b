/**
 * The ZooKeeper implementation of the lock manager, on Apache Curator: one ephemeral sequential
 * node per contending process and key for a mutex, and per request for a share or a permit,
 * under a container node per key.
 */
@NullMarked
package io.distlock.zookeeper;

import org.jspecify.annotations.NullMarked;
