package io.sluice.client.consumer;

import io.sluice.common.TopicPartition;
import java.util.Map;

/** Told the outcome of {@link SluiceConsumer#commitAsync}; runs on the thread that polls. */
@FunctionalInterface
public interface OffsetCommitCallback {
    /** @param exception null on success */
    void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception exception);
}
