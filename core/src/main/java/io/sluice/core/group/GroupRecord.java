package io.sluice.core.group;

import java.util.Objects;
import java.util.Optional;

/**
 * One record of {@code __consumer_offsets}, decoded. An empty value is a tombstone: the offset, or the group, is
 * deleted. Immutable.
 */
public sealed interface GroupRecord {

    String groupId();

    /** A committed offset (key version 1), or its deletion. */
    record OffsetCommit(String groupId, TopicPartitionKey partition, Optional<OffsetAndMetadata> value)
            implements GroupRecord {
        public OffsetCommit {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(value, "value");
        }

        public static OffsetCommit tombstone(String groupId, TopicPartitionKey partition) {
            return new OffsetCommit(groupId, partition, Optional.empty());
        }
    }

    /** A group's persisted state (key version 2), or its deletion. */
    record GroupMetadata(String groupId, Optional<GroupMetadataValue> value) implements GroupRecord {
        public GroupMetadata {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(value, "value");
        }

        public static GroupMetadata tombstone(String groupId) {
            return new GroupMetadata(groupId, Optional.empty());
        }
    }
}
