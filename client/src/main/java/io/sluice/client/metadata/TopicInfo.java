package io.sluice.client.metadata;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import java.util.List;

/** What metadata says about one topic; {@code partitions} sorted by index. Immutable. */
public record TopicInfo(String name, Uuid topicId, boolean internal, Errors error, List<PartitionInfo> partitions) {
    public TopicInfo {
        partitions = List.copyOf(partitions);
    }
}
