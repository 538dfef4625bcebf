package io.sluice.core.replication;

/**
 * The broker settings replication runs with (Kafka's key names, plus our durability switch). Immutable.
 *
 * @param replicaLagTimeMaxMs      {@code replica.lag.time.max.ms}: an ISR member not caught up for this long is
 *                                 removed; checked every half of it
 * @param fetchWaitMaxMs           {@code replica.fetch.wait.max.ms}: how long the leader may hold a follower fetch
 * @param fetchMinBytes            {@code replica.fetch.min.bytes}
 * @param fetchMaxBytes            {@code replica.fetch.max.bytes}: per partition
 * @param fetchResponseMaxBytes    {@code replica.fetch.response.max.bytes}: per response
 * @param fetchBackoffMs           {@code replica.fetch.backoff.ms}: pause after a failed fetch or a partition error
 * @param socketTimeoutMs          {@code replica.socket.timeout.ms}: connect and request timeout of fetcher
 *                                 connections (must exceed {@code fetchWaitMaxMs})
 * @param numReplicaFetchers       {@code num.replica.fetchers}: fetcher threads per source broker
 * @param ackRequiresFsync         {@code replication.ack.requires.fsync}: the high watermark only covers data
 *                                 fsynced on every ISR member (see the package documentation)
 * @param interBrokerListenerName  the listener followers connect to
 */
public record ReplicationConfig(long replicaLagTimeMaxMs, int fetchWaitMaxMs, int fetchMinBytes, int fetchMaxBytes,
                                int fetchResponseMaxBytes, long fetchBackoffMs, int socketTimeoutMs,
                                int numReplicaFetchers, boolean ackRequiresFsync, String interBrokerListenerName) {
    public ReplicationConfig {
        if (replicaLagTimeMaxMs <= 0 || fetchWaitMaxMs < 0 || fetchMinBytes < 0 || fetchMaxBytes <= 0
                || fetchResponseMaxBytes <= 0 || fetchBackoffMs < 0 || numReplicaFetchers < 1) {
            throw new IllegalArgumentException("Invalid replication settings: " + replicaLagTimeMaxMs + "/" + fetchWaitMaxMs
                + "/" + fetchMinBytes + "/" + fetchMaxBytes + "/" + fetchResponseMaxBytes + "/" + fetchBackoffMs + "/"
                + numReplicaFetchers);
        }
        if (socketTimeoutMs <= fetchWaitMaxMs) {
            throw new IllegalArgumentException("replica.socket.timeout.ms (" + socketTimeoutMs
                + ") must be larger than replica.fetch.wait.max.ms (" + fetchWaitMaxMs + ")");
        }
    }

    /** Kafka's defaults, durability on, listener PLAINTEXT. */
    public static ReplicationConfig defaults() {
        return new ReplicationConfig(30_000, 500, 1, 1024 * 1024, 10 * 1024 * 1024, 1_000, 30_000, 1, true, "PLAINTEXT");
    }

    public ReplicationConfig withAckRequiresFsync(boolean on) {
        return new ReplicationConfig(replicaLagTimeMaxMs, fetchWaitMaxMs, fetchMinBytes, fetchMaxBytes,
            fetchResponseMaxBytes, fetchBackoffMs, socketTimeoutMs, numReplicaFetchers, on, interBrokerListenerName);
    }

    public ReplicationConfig withFetchWaitMaxMs(int ms) {
        return new ReplicationConfig(replicaLagTimeMaxMs, ms, fetchMinBytes, fetchMaxBytes, fetchResponseMaxBytes,
            fetchBackoffMs, socketTimeoutMs, numReplicaFetchers, ackRequiresFsync, interBrokerListenerName);
    }
}
