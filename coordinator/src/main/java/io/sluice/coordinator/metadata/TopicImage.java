package io.sluice.coordinator.metadata;

import io.sluice.common.Uuid;
import java.util.Collections;
import java.util.List;
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

    /** The replica assignment this image was built from, reassignments in progress included. */
    public TopicAssignment assignment() {
        Map<Integer, List<Integer>> replicas = new TreeMap<>();
        Map<Integer, List<Integer>> adding = new TreeMap<>();
        Map<Integer, List<Integer>> removing = new TreeMap<>();
        partitions.forEach((p, image) -> {
            replicas.put(p, image.replicas());
            adding.put(p, image.addingReplicas());
            removing.put(p, image.removingReplicas());
        });
        return new TopicAssignment(name, id, replicas, adding, removing);
    }

    /** True if any partition of this topic is being reassigned. */
    public boolean isReassigning() {
        return partitions.values().stream().anyMatch(PartitionImage::isReassigning);
    }

    /** A config override as a boolean; {@code defaultValue} if the topic does not override it. */
    public boolean booleanConfig(String key, boolean defaultValue) {
        String value = configs.get(key);
        return value == null ? defaultValue : Boolean.parseBoolean(value.strip());
    }
}
