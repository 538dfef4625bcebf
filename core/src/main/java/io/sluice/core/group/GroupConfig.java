package io.sluice.core.group;

/**
 * The group coordinator's settings (Kafka's broker keys in brackets). Immutable.
 *
 * @param offsetsTopicNumPartitions        partitions of {@code __consumer_offsets} when it is created
 *                                         [offsets.topic.num.partitions, 50]
 * @param offsetsTopicReplicationFactor    its replication factor, lowered to the live broker count at creation
 *                                         [offsets.topic.replication.factor, 3]
 * @param offsetsTopicSegmentBytes         its segment size [offsets.topic.segment.bytes, 100 MiB]
 * @param offsetsRetentionMs               how long offsets of an empty group (or, for groups without a protocol
 *                                         type, since their commit) are kept [offsets.retention.minutes, 7 days]
 * @param offsetsRetentionCheckIntervalMs  how often expired offsets are removed
 *                                         [offsets.retention.check.interval.ms, 600000]
 * @param offsetCommitTimeoutMs            how long an append to {@code __consumer_offsets} may wait for its
 *                                         replication [offsets.commit.timeout.ms, 5000]
 * @param offsetMetadataMaxBytes           longest metadata string of a commit [offset.metadata.max.bytes, 4096]
 * @param initialRebalanceDelayMs          how long the first rebalance of an empty group waits for more members
 *                                         [group.initial.rebalance.delay.ms, 3000]
 * @param minSessionTimeoutMs              smallest session timeout a member may ask for
 *                                         [group.min.session.timeout.ms, 6000]
 * @param maxSessionTimeoutMs              largest one [group.max.session.timeout.ms, 1800000]
 * @param maxGroupSize                     most members in one group [group.max.size, Integer.MAX_VALUE]
 */
public record GroupConfig(int offsetsTopicNumPartitions, short offsetsTopicReplicationFactor,
                          int offsetsTopicSegmentBytes, long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs,
                          int offsetCommitTimeoutMs, int offsetMetadataMaxBytes, int initialRebalanceDelayMs,
                          int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxGroupSize) {

    public GroupConfig {
        if (offsetsTopicNumPartitions < 1) {
            throw new IllegalArgumentException("offsets.topic.num.partitions must be at least 1");
        }
        if (minSessionTimeoutMs > maxSessionTimeoutMs) {
            throw new IllegalArgumentException("group.min.session.timeout.ms (" + minSessionTimeoutMs
                + ") exceeds group.max.session.timeout.ms (" + maxSessionTimeoutMs + ")");
        }
        if (maxGroupSize < 1) {
            throw new IllegalArgumentException("group.max.size must be at least 1");
        }
    }

    /** Kafka's defaults. */
    public static GroupConfig defaults() {
        return new GroupConfig(50, (short) 3, 100 * 1024 * 1024, 7L * 24 * 60 * 60 * 1000, 600_000L, 5_000, 4_096,
            3_000, 6_000, 1_800_000, Integer.MAX_VALUE);
    }

    public GroupConfig withInitialRebalanceDelayMs(int ms) {
        return new GroupConfig(offsetsTopicNumPartitions, offsetsTopicReplicationFactor, offsetsTopicSegmentBytes,
            offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetCommitTimeoutMs, offsetMetadataMaxBytes, ms,
            minSessionTimeoutMs, maxSessionTimeoutMs, maxGroupSize);
    }

    public GroupConfig withMaxGroupSize(int size) {
        return new GroupConfig(offsetsTopicNumPartitions, offsetsTopicReplicationFactor, offsetsTopicSegmentBytes,
            offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetCommitTimeoutMs, offsetMetadataMaxBytes,
            initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, size);
    }

    public GroupConfig withOffsetsTopicNumPartitions(int partitions) {
        return new GroupConfig(partitions, offsetsTopicReplicationFactor, offsetsTopicSegmentBytes,
            offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetCommitTimeoutMs, offsetMetadataMaxBytes,
            initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxGroupSize);
    }

    public GroupConfig withOffsetsRetentionMs(long ms) {
        return new GroupConfig(offsetsTopicNumPartitions, offsetsTopicReplicationFactor, offsetsTopicSegmentBytes,
            ms, offsetsRetentionCheckIntervalMs, offsetCommitTimeoutMs, offsetMetadataMaxBytes,
            initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxGroupSize);
    }
}
