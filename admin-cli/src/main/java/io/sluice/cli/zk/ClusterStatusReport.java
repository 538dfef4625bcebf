package io.sluice.cli.zk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.cli.common.TextTable;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code cluster-status.sh} reports about one {@link ClusterImage}, as text or JSON. Pure: no ZooKeeper.
 *
 * <p>A partition is <b>offline</b> when it has no state yet, no leader, or a leader that is not registered. It is
 * <b>under-replicated</b> when a replica it already had before any reassignment in progress is missing from the
 * ISR: replicas a reassignment is still adding do not count, so a reassignment alone does not raise the count (it
 * shows as <b>reassigning</b>). An offline partition is not also counted as under-replicated.
 *
 * <p>Text layout:
 * <pre>
 * Cluster id: &lt;id | none&gt;
 * Controller: broker &lt;id&gt;, epoch &lt;epoch&gt;            (or "Controller: none, epoch &lt;epoch&gt;")
 * Live brokers: &lt;n&gt;
 * BROKER  RACK  ENDPOINTS
 * ...
 * Topics: &lt;n&gt;, partitions: &lt;n&gt;, under-replicated: &lt;n&gt;, offline: &lt;n&gt;
 * TOPIC  PARTITION  LEADER  REPLICAS  ISR  STATUS
 * ...
 * </pre>
 * LEADER is {@code none} without a leader; REPLICAS and ISR are comma-separated broker ids; STATUS is {@code ok},
 * or a comma-separated list of {@code offline}, {@code under-replicated}, {@code reassigning},
 * {@code marked-for-deletion}.
 */
public record ClusterStatusReport(ClusterImage image, List<PartitionRow> partitions) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One partition with its derived status. */
    public record PartitionRow(String topic, int partition, int leader, int leaderEpoch, List<Integer> replicas,
                               List<Integer> isr, List<Integer> addingReplicas, List<Integer> removingReplicas,
                               boolean offline, boolean underReplicated, boolean markedForDeletion) {
        public boolean reassigning() {
            return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
        }

        public String status() {
            List<String> flags = new ArrayList<>();
            if (offline) {
                flags.add("offline");
            }
            if (underReplicated) {
                flags.add("under-replicated");
            }
            if (reassigning()) {
                flags.add("reassigning");
            }
            if (markedForDeletion) {
                flags.add("marked-for-deletion");
            }
            return flags.isEmpty() ? "ok" : String.join(",", flags);
        }
    }

    public ClusterStatusReport {
        Objects.requireNonNull(image, "image");
        partitions = List.copyOf(partitions);
    }

    public static ClusterStatusReport of(ClusterImage image) {
        List<PartitionRow> rows = new ArrayList<>();
        for (TopicImage topic : image.topics().values()) {
            boolean deleting = image.isPendingDeletion(topic.name());
            topic.partitions().forEach((p, partition) -> rows.add(row(image, topic.name(), p, partition, deleting)));
        }
        return new ClusterStatusReport(image, rows);
    }

    private static PartitionRow row(ClusterImage image, String topic, int p, PartitionImage partition, boolean deleting) {
        int leader = partition.leader();
        boolean offline = leader == PartitionState.NO_LEADER || !image.isLive(leader);
        List<Integer> isr = partition.state().map(PartitionState::isr).orElse(List.of());
        boolean under = !offline && !isr.containsAll(partition.originalReplicas());
        int epoch = partition.state().map(PartitionState::leaderEpoch).orElse(-1);
        return new PartitionRow(topic, p, leader, epoch, partition.replicas(), isr, partition.addingReplicas(),
            partition.removingReplicas(), offline, under, deleting);
    }

    public long offlineCount() {
        return partitions.stream().filter(PartitionRow::offline).count();
    }

    public long underReplicatedCount() {
        return partitions.stream().filter(PartitionRow::underReplicated).count();
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("Cluster id: ").append(image.clusterId().orElse("none")).append('\n');
        sb.append("Controller: ").append(image.hasController() ? "broker " + image.controllerId() : "none")
            .append(", epoch ").append(image.controllerEpoch()).append('\n');
        sb.append("Live brokers: ").append(image.brokers().size()).append('\n');
        TextTable brokers = new TextTable("BROKER", "RACK", "ENDPOINTS");
        for (BrokerInfo b : image.brokers().values()) {
            brokers.add(b.id(), b.rack().orElse("-"), endpoints(b).isEmpty() ? "-" : String.join(",", endpoints(b)));
        }
        sb.append(brokers.render());
        sb.append("Topics: ").append(image.topics().size()).append(", partitions: ").append(partitions.size())
            .append(", under-replicated: ").append(underReplicatedCount()).append(", offline: ").append(offlineCount())
            .append('\n');
        TextTable table = new TextTable("TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "STATUS");
        for (PartitionRow r : partitions) {
            table.add(r.topic(), r.partition(), r.leader() == PartitionState.NO_LEADER ? "none" : r.leader(),
                ids(r.replicas()), ids(r.isr()), r.status());
        }
        sb.append(table.render());
        return sb.toString();
    }

    /**
     * JSON: {@code cluster_id}, {@code controller} ({@code broker_id}, {@code epoch}; broker_id null without a
     * controller), {@code brokers} ({@code id}, {@code rack}, {@code endpoints}), {@code topics} ({@code topic},
     * {@code topic_id}, {@code marked_for_deletion}, {@code partitions}: {@code partition}, {@code leader} (-1 for
     * none), {@code leader_epoch}, {@code replicas}, {@code isr}, {@code adding_replicas},
     * {@code removing_replicas}, {@code offline}, {@code under_replicated}, {@code reassigning}, {@code status}),
     * and {@code summary} ({@code brokers}, {@code topics}, {@code partitions},
     * {@code under_replicated_partitions}, {@code offline_partitions}).
     */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("cluster_id", image.clusterId().orElse(null));
        ObjectNode controller = root.putObject("controller");
        if (image.hasController()) {
            controller.put("broker_id", image.controllerId());
        } else {
            controller.putNull("broker_id");
        }
        controller.put("epoch", image.controllerEpoch());
        ArrayNode brokers = root.putArray("brokers");
        for (BrokerInfo b : image.brokers().values()) {
            ObjectNode node = brokers.addObject().put("id", b.id()).put("rack", b.rack().orElse(null));
            ArrayNode eps = node.putArray("endpoints");
            endpoints(b).forEach(eps::add);
        }
        ArrayNode topics = root.putArray("topics");
        for (TopicImage topic : image.topics().values()) {
            ObjectNode t = topics.addObject().put("topic", topic.name()).put("topic_id", topic.id().toString())
                .put("marked_for_deletion", image.isPendingDeletion(topic.name()));
            ArrayNode ps = t.putArray("partitions");
            partitions.stream().filter(r -> r.topic().equals(topic.name())).forEach(r -> {
                ObjectNode p = ps.addObject().put("partition", r.partition()).put("leader", r.leader())
                    .put("leader_epoch", r.leaderEpoch());
                r.replicas().forEach(p.putArray("replicas")::add);
                r.isr().forEach(p.putArray("isr")::add);
                r.addingReplicas().forEach(p.putArray("adding_replicas")::add);
                r.removingReplicas().forEach(p.putArray("removing_replicas")::add);
                p.put("offline", r.offline()).put("under_replicated", r.underReplicated())
                    .put("reassigning", r.reassigning()).put("status", r.status());
            });
        }
        root.putObject("summary").put("brokers", image.brokers().size()).put("topics", image.topics().size())
            .put("partitions", partitions.size()).put("under_replicated_partitions", underReplicatedCount())
            .put("offline_partitions", offlineCount());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the cluster status as JSON", e);
        }
    }

    private static List<String> endpoints(BrokerInfo b) {
        return b.endpoints().stream().map(BrokerEndpoint::connectionString).toList();
    }

    static String ids(List<Integer> ids) {
        return ids.isEmpty() ? "-" : ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
