package io.sluice.lag;

import io.sluice.common.TopicPartition;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Where the lag monitor reads a cluster's offsets: the only thing it needs from a cluster. The real one is
 * {@link AdminOffsetsSource} (Sluice's admin client); tests use a fake.
 * Called from the monitor's single refresh thread only.
 */
public interface OffsetsSource extends AutoCloseable {

    /**
     * A consumer group as listed by the cluster.
     *
     * @param active whether the group has members (or its state is unknown). The monitor reads an unchanged
     *               committed offset of an active group as a fresh commit (its members keep committing the same
     *               offset: STALL when lagging), and of an inactive group as no commit at all (STOP when lagging).
     */
    record GroupListing(String groupId, boolean active) {
    }

    /** The consumer groups of the cluster. */
    List<GroupListing> listGroups() throws IOException;

    /**
     * The member of a group that owns a partition, as Burrow reports it: the member's host ({@code owner}) and
     * client id; both empty when the group has no active member.
     */
    record Owner(String host, String clientId) {
        public static final Owner NONE = new Owner("", "");

        public Owner {
            host = host == null ? "" : host;
            clientId = clientId == null ? "" : clientId;
        }
    }

    /**
     * The owner of each partition assigned to a member of {@code groupId} (DescribeGroups); partitions not
     * assigned are left out. Empty when the source cannot tell.
     */
    default Map<TopicPartition, Owner> owners(String groupId) throws IOException {
        return Map.of();
    }

    /** The committed offsets of {@code groupId} per partition (partitions without a committed offset left out). */
    Map<TopicPartition, Long> committedOffsets(String groupId) throws IOException;

    /** The log-end offsets (high watermarks) of every partition of every topic. */
    Map<TopicPartition, Long> logEndOffsets() throws IOException;

    /**
     * The timestamp of the record at {@code offset} (or the first one after it), for time lag; empty when unknown.
     */
    default OptionalLong recordTimestamp(TopicPartition tp, long offset) throws IOException {
        return OptionalLong.empty();
    }

    @Override
    default void close() {
    }
}
