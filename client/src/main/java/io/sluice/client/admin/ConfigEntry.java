package io.sluice.client.admin;

/**
 * One config value as DescribeConfigs reports it. {@code value} is null for a sensitive or unset entry.
 * Immutable.
 */
public record ConfigEntry(String name, String value, Source source, boolean readOnly, boolean sensitive) {
    /** Where the value comes from, with the protocol's ids. */
    public enum Source {
        UNKNOWN, DYNAMIC_TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG,
        DEFAULT_CONFIG, DYNAMIC_BROKER_LOGGER_CONFIG, CLIENT_METRICS_CONFIG, GROUP_CONFIG;

        static Source forId(byte id) {
            return id >= 0 && id < values().length ? values()[id] : UNKNOWN;
        }
    }

    public boolean isDefault() {
        return source == Source.DEFAULT_CONFIG;
    }
}
