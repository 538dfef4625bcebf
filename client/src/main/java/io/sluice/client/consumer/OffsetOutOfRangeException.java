package io.sluice.client.consumer;

import io.sluice.common.TopicPartition;
import java.util.Map;

/** The position of a partition is outside its log and {@code auto.offset.reset} is {@code none}. */
public class OffsetOutOfRangeException extends RuntimeException {
    private final Map<TopicPartition, Long> offsets;

    public OffsetOutOfRangeException(Map<TopicPartition, Long> offsets) {
        super("Offsets out of range with auto.offset.reset=none: " + offsets);
        this.offsets = Map.copyOf(offsets);
    }

    /** The positions that were out of range. */
    public Map<TopicPartition, Long> offsets() {
        return offsets;
    }
}
