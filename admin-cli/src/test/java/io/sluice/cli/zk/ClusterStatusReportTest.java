package io.sluice.cli.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterStatusReportTest {
    private static final Uuid ID = new Uuid(1L, 2L);

    static BrokerInfo broker(int id, String rack) {
        return new BrokerInfo(id, List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9090 + id, "PLAINTEXT")),
            Optional.ofNullable(rack), 10 + id);
    }

    static PartitionImage partition(List<Integer> replicas, int leader, List<Integer> isr) {
        return new PartitionImage(replicas, Optional.of(new PartitionState(leader, 5, isr, 1, 0)));
    }

    static ClusterImage image() {
        Map<Integer, PartitionImage> partitions = Map.of(
            0, partition(List.of(1, 2, 3), 1, List.of(1, 2, 3)),              // ok
            1, partition(List.of(2, 3, 1), 2, List.of(2)),                    // under-replicated
            2, partition(List.of(3, 2), 3, List.of(3, 2)),                    // leader 3 is not live: offline
            3, new PartitionImage(List.of(1, 2), Optional.empty()),           // no state yet: offline
            4, new PartitionImage(List.of(1, 2, 4), List.of(4), List.of(), // reassigning, 4 catching up
                Optional.of(new PartitionState(1, 2, List.of(1, 2), 1, 0))));
        TopicImage topic = new TopicImage("orders", ID, partitions, Map.of(), 0);
        return new ClusterImage(Optional.of("cluster-x"), Map.of(1, broker(1, "r1"), 2, broker(2, null)), 2, 7,
            Map.of("orders", topic), Set.of());
    }

    @Test
    void classifiesPartitions() {
        ClusterStatusReport report = ClusterStatusReport.of(image());
        assertEquals(List.of("ok", "under-replicated", "offline", "offline", "reassigning"),
            report.partitions().stream().map(ClusterStatusReport.PartitionRow::status).toList());
        assertEquals(2, report.offlineCount());
        assertEquals(1, report.underReplicatedCount());
    }

    @Test
    void textShowsBrokersControllerAndPartitionColumns() {
        String text = ClusterStatusReport.of(image()).text();
        assertEquals("""
            Cluster id: cluster-x
            Controller: broker 2, epoch 7
            Live brokers: 2
            BROKER  RACK  ENDPOINTS
            1       r1    PLAINTEXT://127.0.0.1:9091
            2       -     PLAINTEXT://127.0.0.1:9092
            Topics: 1, partitions: 5, under-replicated: 1, offline: 2
            TOPIC   PARTITION  LEADER  REPLICAS  ISR    STATUS
            orders  0          1       1,2,3     1,2,3  ok
            orders  1          2       2,3,1     2      under-replicated
            orders  2          3       3,2       3,2    offline
            orders  3          none    1,2       -      offline
            orders  4          1       1,2,4     1,2    reassigning
            """, text);
    }

    @Test
    void anEmptyClusterSaysSo() {
        String text = ClusterStatusReport.of(ClusterImage.EMPTY).text();
        assertTrue(text.contains("Cluster id: none\nController: none, epoch 0\nLive brokers: 0\n"), text);
        assertTrue(text.contains("Topics: 0, partitions: 0, under-replicated: 0, offline: 0\n"), text);
    }

    @Test
    void jsonHasTheSameFacts() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ClusterStatusReport.of(image()).json());
        assertEquals("cluster-x", json.get("cluster_id").asText());
        assertEquals(2, json.get("controller").get("broker_id").asInt());
        assertEquals(7, json.get("controller").get("epoch").asInt());
        assertEquals("r1", json.get("brokers").get(0).get("rack").asText());
        assertTrue(json.get("brokers").get(1).get("rack").isNull());
        assertEquals("PLAINTEXT://127.0.0.1:9092", json.get("brokers").get(1).get("endpoints").get(0).asText());
        JsonNode topic = json.get("topics").get(0);
        assertEquals("orders", topic.get("topic").asText());
        assertEquals(ID.toString(), topic.get("topic_id").asText());
        JsonNode p3 = topic.get("partitions").get(3);
        assertEquals(-1, p3.get("leader").asInt());
        assertTrue(p3.get("offline").asBoolean());
        JsonNode p4 = topic.get("partitions").get(4);
        assertEquals("[4]", p4.get("adding_replicas").toString());
        assertTrue(p4.get("reassigning").asBoolean());
        assertFalse(p4.get("under_replicated").asBoolean());
        assertEquals(2, json.get("summary").get("offline_partitions").asInt());
        assertEquals(1, json.get("summary").get("under_replicated_partitions").asInt());
        assertEquals(5, json.get("summary").get("partitions").asInt());
    }
}
