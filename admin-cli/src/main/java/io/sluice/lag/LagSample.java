package io.sluice.lag;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One point of a group's lag history: the time, the total lag and the status then. */
public record LagSample(@JsonProperty("timestamp") long timestamp, @JsonProperty("totallag") long totalLag,
                        @JsonProperty("maxlag") long maxLag, @JsonProperty("status") LagStatus status) {
}
