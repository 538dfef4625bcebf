/**
 * Partitions hosted on this broker: leadership applied from ZooKeeper, leader appends, consumer and follower
 * reads, high watermark and ISR bookkeeping, and the delayed operations (acks=all produce, long-poll fetch)
 * those complete. May import {@code log}, {@code purgatory} and coordinator metadata types.
 */
package io.sluice.core.replication;
