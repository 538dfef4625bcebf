package io.sluice.lag;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The raw stored state of one group partition, in Burrow's JSON shape for {@code GET /v3/kafka/:cluster/consumer/:group}:
 * the commit ring (window-size slots, oldest first, unfilled slots null), owner, client id and current lag.
 */
public record ConsumerPartition(@JsonProperty("offsets") List<Commit> offsets, @JsonProperty("owner") String owner,
                                @JsonProperty("client_id") String clientId,
                                @JsonProperty("current-lag") long currentLag) {
}
