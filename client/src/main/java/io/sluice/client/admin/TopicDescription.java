package io.sluice.client.admin;

import io.sluice.client.metadata.PartitionInfo;
import io.sluice.common.Uuid;
import java.util.List;

/** A topic's id, whether it is internal, and its partitions (sorted by index). Immutable. */
public record TopicDescription(String name, Uuid topicId, boolean internal, List<PartitionInfo> partitions) {
    public TopicDescription {
        partitions = List.copyOf(partitions);
    }
}
