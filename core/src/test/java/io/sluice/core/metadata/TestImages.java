package io.sluice.core.metadata;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Hand-made metadata images for tests that need no ZooKeeper. */
public final class TestImages {
    public static final String CLUSTER_ID = "test-cluster-id-00000A";

    private TestImages() {
    }

    /** A broker with a PLAINTEXT endpoint 127.0.0.1:(9090 + id) and an EXTERNAL one brokerN.example.com:(19090 + id). */
    public static BrokerInfo broker(int id) {
        return broker(id, null);
    }

    public static BrokerInfo broker(int id, String rack) {
        return new BrokerInfo(id, List.of(
            new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9090 + id, "PLAINTEXT"),
            new BrokerEndpoint("EXTERNAL", "broker" + id + ".example.com", 19090 + id, "PLAINTEXT")),
            Optional.ofNullable(rack), 100 + id);
    }

    /** A broker with only a PLAINTEXT endpoint. */
    public static BrokerInfo plaintextOnly(int id) {
        return new BrokerInfo(id, List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9090 + id, "PLAINTEXT")),
            Optional.empty(), 100 + id);
    }

    public static PartitionImage led(List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr) {
        return new PartitionImage(replicas, Optional.of(new PartitionState(leader, leaderEpoch, isr, 1, 0)));
    }

    public static PartitionImage withoutState(List<Integer> replicas) {
        return new PartitionImage(replicas, Optional.empty());
    }

    public static TopicImage topic(String name, Uuid id, PartitionImage... partitions) {
        Map<Integer, PartitionImage> map = new TreeMap<>();
        for (int p = 0; p < partitions.length; p++) {
            map.put(p, partitions[p]);
        }
        return new TopicImage(name, id, map, Map.of(), 0);
    }

    public static ClusterImage image(Collection<BrokerInfo> brokers, int controllerId, Collection<TopicImage> topics,
                                     Set<String> pendingDeletion) {
        Map<Integer, BrokerInfo> b = new LinkedHashMap<>();
        brokers.forEach(x -> b.put(x.id(), x));
        Map<String, TopicImage> t = new LinkedHashMap<>();
        topics.forEach(x -> t.put(x.name(), x));
        return new ClusterImage(Optional.of(CLUSTER_ID), b, controllerId, 3, t, pendingDeletion);
    }

    public static ClusterImage image(Collection<BrokerInfo> brokers, Collection<TopicImage> topics) {
        return image(brokers, brokers.isEmpty() ? ClusterImage.NO_CONTROLLER : brokers.iterator().next().id(), topics,
            Set.of());
    }
}
