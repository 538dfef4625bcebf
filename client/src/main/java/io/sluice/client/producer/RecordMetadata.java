package io.sluice.client.producer;

/**
 * Where a sent record was stored: its offset (-1 with acks=0, where the broker does not answer) and timestamp
 * (the broker's append time for LogAppendTime topics, else the record's). Immutable.
 */
public record RecordMetadata(String topic, int partition, long offset, long timestamp) {
}
