package io.sluice.lag;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The evaluated state of a group, in Burrow's JSON shape: {@code status} is the worst partition status capped at
 * ERR, {@code complete} the fraction of partitions whose window is full, {@code maxlag} the partition with the
 * largest current lag (null without partitions), {@code totallag} the sum of the current lags.
 * {@code partitions} holds either all partitions or only those not OK (Burrow's {@code /status}); the other
 * figures always cover all of them.
 */
public record GroupStatus(
        @JsonProperty("cluster") String cluster,
        @JsonProperty("group") String group,
        @JsonProperty("status") LagStatus status,
        @JsonProperty("complete") double complete,
        @JsonProperty("partitions") List<PartitionStatus> partitions,
        @JsonProperty("partition_count") int partitionCount,
        @JsonProperty("maxlag") PartitionStatus maxlag,
        @JsonProperty("totallag") long totallag) {

    /** The same status with only the partitions that are not OK, as Burrow's {@code /status} endpoint shows it. */
    public GroupStatus onlyNotOk() {
        return new GroupStatus(cluster, group, status, complete,
            partitions.stream().filter(p -> p.status() != LagStatus.OK).toList(), partitionCount, maxlag, totallag);
    }
}
