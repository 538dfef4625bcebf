package io.sluice.systest;

/**
 * A one-broker cluster (broker id 0) that a client test runs against: Sluice's ({@link SingleBrokerCluster}) or
 * Apache Kafka 3.9's ({@link KafkaPeerCluster}), so one test body can judge Sluice's client on both brokers.
 */
interface TargetCluster extends AutoCloseable {
    /** {@code 127.0.0.1:<port>} of the broker. */
    String bootstrapServers();

    /** The last lines of the broker's logs, for assertion messages. */
    String brokerLogs();

    @Override
    void close();
}
