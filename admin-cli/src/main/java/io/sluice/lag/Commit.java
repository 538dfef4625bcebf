package io.sluice.lag;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of a partition's commit window, in Burrow's JSON shape: the committed offset, when the monitor saw it
 * (epoch milliseconds), and the lag at that time (log-end offset then minus {@code offset}, never negative).
 */
public record Commit(@JsonProperty("offset") long offset, @JsonProperty("timestamp") long timestamp,
                     @JsonProperty("lag") long lag) {
    public Commit {
        if (lag < 0) {
            throw new IllegalArgumentException("Negative lag " + lag + " at offset " + offset);
        }
    }
}
