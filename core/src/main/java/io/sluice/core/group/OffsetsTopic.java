package io.sluice.core.group;

/** The internal topic that holds committed offsets and group state, and which of its partitions holds a group. */
public final class OffsetsTopic {
    public static final String NAME = "__consumer_offsets";

    private OffsetsTopic() {
    }

    /**
     * The partition of {@code __consumer_offsets} for a group: {@code abs(groupId.hashCode()) % partitions}, with
     * Java's String hash and abs(Integer.MIN_VALUE) taken as 0 (as Kafka does, so both map groups alike).
     */
    public static int partitionFor(String groupId, int partitions) {
        int hash = groupId.hashCode();
        int abs = hash == Integer.MIN_VALUE ? 0 : Math.abs(hash);
        return abs % partitions;
    }
}
