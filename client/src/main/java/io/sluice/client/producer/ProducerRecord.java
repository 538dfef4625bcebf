package io.sluice.client.producer;

import io.sluice.record.Header;
import java.util.List;
import java.util.Objects;

/**
 * A record to send: topic, optional partition (null: the partitioner decides), key, value, headers and
 * optional timestamp (null: the send time). Immutable.
 */
public record ProducerRecord<K, V>(String topic, Integer partition, K key, V value, List<Header> headers,
                                   Long timestamp) {
    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        headers = headers == null ? List.of() : List.copyOf(headers);
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException("Negative partition " + partition);
        }
        if (timestamp != null && timestamp < 0) {
            throw new IllegalArgumentException("Negative timestamp " + timestamp);
        }
    }

    public ProducerRecord(String topic, K key, V value) {
        this(topic, null, key, value, List.of(), null);
    }

    public ProducerRecord(String topic, V value) {
        this(topic, null, null, value, List.of(), null);
    }
}
