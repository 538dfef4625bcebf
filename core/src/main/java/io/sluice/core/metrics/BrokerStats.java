package io.sluice.core.metrics;

/**
 * The events the broker's components report as they happen (the figures read on demand are {@link
 * BrokerMetrics.Sources}). Implementations must be thread-safe and cheap: they are called on request paths.
 */
public interface BrokerStats {
    /** A client's records appended as leader. */
    void produced(String topic, long bytes, long records);

    /** Bytes of a topic returned to a consumer (not a follower) by a fetch. */
    void fetchedByConsumer(String topic, long bytes);

    /** This broker, as leader, changed an ISR: {@code shrink} true if members left. */
    void isrChanged(boolean shrink);

    /** Reports nothing. */
    BrokerStats NONE = new BrokerStats() {
        @Override
        public void produced(String topic, long bytes, long records) {
        }

        @Override
        public void fetchedByConsumer(String topic, long bytes) {
        }

        @Override
        public void isrChanged(boolean shrink) {
        }
    };
}
