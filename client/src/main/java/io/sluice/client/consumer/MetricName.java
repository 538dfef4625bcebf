package io.sluice.client.consumer;

import java.util.Map;

/** A metric's name and tags, as in {@link SluiceConsumer#metrics()}. Immutable. */
public record MetricName(String name, Map<String, String> tags) {
    public MetricName {
        tags = Map.copyOf(tags);
    }

    public static MetricName of(String name) {
        return new MetricName(name, Map.of());
    }
}
