package io.sluice.lag;

import io.sluice.common.TopicPartition;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The evaluated state of one group partition, in Burrow's JSON shape ({@code start} and {@code end} are the oldest
 * and newest commit of the window, null when it is empty), plus Sluice's extensions: the log-end and committed
 * offsets seen last and the time lag (the age of the oldest unconsumed record in milliseconds, 0 when caught up,
 * absent when unknown).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PartitionStatus(
        @JsonProperty("topic") String topic,
        @JsonProperty("partition") int partition,
        @JsonProperty("owner") String owner,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("status") LagStatus status,
        @JsonProperty("start") Commit start,
        @JsonProperty("end") Commit end,
        @JsonProperty("current_lag") long currentLag,
        @JsonProperty("complete") double complete,
        @JsonProperty("end_offset") long endOffset,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("time_lag_ms") Long timeLagMs) {

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
