package io.sluice.coordinator.metadata;

import io.sluice.common.Uuid;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A topic in the {@link ClusterImage}.
 *
 * @param partitions          partition id to its image, sorted, unmodifiable
 * @param configs             the topic's config overrides from {@code /config/topics/<topic>}
 * @param assignmentZkVersion data version of {@code /brokers/topics/<topic>}: the expected version for
 *                            {@link ZkMetadataStore#addPartitions}
 */
public record TopicImage(String name, Uuid id, Map<Integer, PartitionImage> partitions, Map<String, String> configs,
                         int assignmentZkVersion) {
    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
        configs = Collections.unmodifiableSortedMap(new TreeMap<>(configs));
    }

    public Optional<PartitionImage> partition(int partition) {
        return Optional.ofNullable(partitions.get(partition));
    }

    public int partitionCount() {
        return partitions.size();
    }

    /** The replica assignment this image was built from. */
    public TopicAssignment assignment() {
        Map<Integer, java.util.List<Integer>> replicas = new TreeMap<>();
        partitions.forEach((p, image) -> replicas.put(p, image.replicas()));
        return new TopicAssignment(name, id, replicas);
    }

    /** A config override as a boolean; {@code defaultValue} if the topic does not override it. */
    public boolean booleanConfig(String key, boolean defaultValue) {
        String value = configs.get(key);
        return value == null ? defaultValue : Boolean.parseBoolean(value.strip());
    }
}
