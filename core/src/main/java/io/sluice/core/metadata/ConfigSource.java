package io.sluice.core.metadata;

/**
 * Where a configuration value comes from, with Kafka's DescribeConfigs source ids. Listed in precedence order
 * for topic configs: a topic override beats a dynamic per-broker value, which beats a dynamic cluster default,
 * then {@code server.properties}, then the built-in default. Sluice has no dynamic broker configs yet.
 */
public enum ConfigSource {
    UNKNOWN(0),
    TOPIC_CONFIG(1),
    DYNAMIC_BROKER_CONFIG(2),
    DYNAMIC_DEFAULT_BROKER_CONFIG(3),
    STATIC_BROKER_CONFIG(4),
    DEFAULT_CONFIG(5),
    DYNAMIC_BROKER_LOGGER_CONFIG(6),
    CLIENT_METRICS_CONFIG(7),
    GROUP_CONFIG(8);

    /** The id on the wire ({@code config_source}, synonym {@code source}). */
    public final byte id;

    ConfigSource(int id) {
        this.id = (byte) id;
    }
}
