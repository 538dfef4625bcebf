package io.sluice.client.consumer;

import io.sluice.common.TopicPartition;
import io.sluice.record.Header;
import io.sluice.record.TimestampType;
import java.util.List;
import java.util.Objects;

/**
 * One record returned by {@link SluiceConsumer#poll}. Immutable.
 *
 * @param timestamp     the record's timestamp (create or log-append time, see {@code timestampType}), or -1
 * @param leaderEpoch   the partition leader epoch of the batch holding the record, or -1 if unknown
 * @param keySize       serialized key bytes, -1 for a null key
 * @param valueSize     serialized value bytes, -1 for a null value
 */
public record ConsumerRecord<K, V>(String topic, int partition, long offset, long timestamp,
                                   TimestampType timestampType, K key, V value, List<Header> headers,
                                   int leaderEpoch, int keySize, int valueSize) {
    public ConsumerRecord {
        Objects.requireNonNull(topic, "topic");
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    /** The last header with {@code key}, or null. */
    public Header lastHeader(String key) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).key().equals(key)) {
                return headers.get(i);
            }
        }
        return null;
    }
}
