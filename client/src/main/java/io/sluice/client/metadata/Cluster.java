package io.sluice.client.metadata;

import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.common.TopicPartition;
import io.sluice.protocol.message.MetadataResponse;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of cluster metadata: brokers, controller, and the topics that were asked for. Immutable.
 *
 * @param topics by name; a topic the broker answered with an error is present with that error
 */
public record Cluster(String clusterId, int controllerId, Map<Integer, Node> nodes, Map<String, TopicInfo> topics) {
    public static final Cluster EMPTY = new Cluster(null, -1, Map.of(), Map.of());

    public Cluster {
        nodes = Map.copyOf(nodes);
        topics = Map.copyOf(topics);
    }

    public static Cluster from(MetadataResponse response) {
        Map<Integer, Node> nodes = new LinkedHashMap<>();
        for (MetadataResponse.Broker b : response.brokers()) {
            nodes.put(b.nodeId(), new Node(b.nodeId(), b.host(), b.port(), b.rack()));
        }
        Map<String, TopicInfo> topics = new LinkedHashMap<>();
        for (MetadataResponse.Topic t : response.topics()) {
            if (t.name() == null) {
                continue;
            }
            List<PartitionInfo> partitions = t.partitions().stream()
                .map(p -> new PartitionInfo(new TopicPartition(t.name(), p.partitionIndex()), p.leaderId(),
                    p.leaderEpoch(), p.replicaNodes(), p.isrNodes(), p.offlineReplicas(), Errors.forCode(p.errorCode())))
                .sorted(Comparator.comparingInt(p -> p.topicPartition().partition()))
                .toList();
            topics.put(t.name(), new TopicInfo(t.name(), t.topicId(), t.isInternal(), Errors.forCode(t.errorCode()),
                partitions));
        }
        return new Cluster(response.clusterId(), response.controllerId(), nodes, topics);
    }

    public Optional<Node> node(int id) {
        return Optional.ofNullable(nodes.get(id));
    }

    public Optional<Node> controller() {
        return node(controllerId);
    }

    public Optional<TopicInfo> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Optional<PartitionInfo> partition(TopicPartition tp) {
        TopicInfo t = topics.get(tp.topic());
        if (t == null || tp.partition() < 0 || tp.partition() >= t.partitions().size()) {
            return Optional.empty();
        }
        PartitionInfo p = t.partitions().get(tp.partition());
        return p.topicPartition().partition() == tp.partition() ? Optional.of(p) : Optional.empty();
    }

    /** The leader of {@code tp}, if metadata names one that is a known broker. */
    public Optional<Node> leaderFor(TopicPartition tp) {
        return partition(tp).filter(PartitionInfo::hasLeader).flatMap(p -> node(p.leader()));
    }

    /** Number of partitions of {@code topic}, or -1 if unknown or in error. */
    public int partitionCount(String topic) {
        TopicInfo t = topics.get(topic);
        return t == null || t.error() != Errors.NONE ? -1 : t.partitions().size();
    }

    /** This snapshot's brokers with {@code other}'s topics merged over ours. */
    public Cluster withTopicsFrom(Cluster other, Collection<String> keep) {
        Map<String, TopicInfo> merged = new LinkedHashMap<>();
        for (String t : keep) {
            TopicInfo info = other.topics.containsKey(t) ? other.topics.get(t) : topics.get(t);
            if (info != null) {
                merged.put(t, info);
            }
        }
        return new Cluster(other.clusterId, other.controllerId, other.nodes, merged);
    }
}
