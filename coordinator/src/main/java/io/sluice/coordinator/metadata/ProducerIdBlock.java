package io.sluice.coordinator.metadata;

/**
 * A contiguous range of producer ids handed to one broker: {@code [firstProducerId, lastProducerId]}, both
 * inclusive, as stored in {@code /latest_producer_id_block}.
 */
public record ProducerIdBlock(int brokerId, long firstProducerId, long lastProducerId) {
    public ProducerIdBlock {
        if (firstProducerId < 0 || lastProducerId < firstProducerId) {
            throw new IllegalArgumentException(
                "Bad producer id block [" + firstProducerId + ", " + lastProducerId + "] for broker " + brokerId);
        }
    }

    public long size() {
        return lastProducerId - firstProducerId + 1;
    }
}
