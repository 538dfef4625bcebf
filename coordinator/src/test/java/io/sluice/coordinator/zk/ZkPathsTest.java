package io.sluice.coordinator.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZkPathsTest {

    @Test
    void kafkaLayout() {
        assertEquals("/brokers/ids/3", ZkPaths.brokerId(3));
        assertEquals("/brokers/topics/orders", ZkPaths.topic("orders"));
        assertEquals("/brokers/topics/orders/partitions/2/state", ZkPaths.partitionState("orders", 2));
        assertEquals("/config/topics/orders", ZkPaths.topicConfig("orders"));
        assertEquals("/admin/delete_topics/orders", ZkPaths.deleteTopicMarker("orders"));
        assertEquals("topics/orders", ZkPaths.topicEntityPath("orders"));
    }

    @Test
    void sluiceAdminPaths() {
        assertEquals("/admin/delete_topics/orders/3", ZkPaths.deleteTopicConfirmation("orders", 3));
        assertEquals("/admin/stray_replicas/3/orders", ZkPaths.strayReplica(3, "orders"));
        assertEquals("/admin/controlled_shutdown/3", ZkPaths.controlledShutdown(3));
        assertEquals("/admin/elect_leaders/request_0000000001", ZkPaths.electLeadersRequest("request_0000000001"));
        assertThrows(IllegalArgumentException.class, () -> ZkPaths.controlledShutdown(-2));
    }

    @Test
    void namesThatWouldBreakAPathAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ZkPaths.topic("a/b"));
        assertThrows(IllegalArgumentException.class, () -> ZkPaths.topic(".."));
        assertThrows(IllegalArgumentException.class, () -> ZkPaths.topic(""));
        assertThrows(IllegalArgumentException.class, () -> ZkPaths.brokerId(-1));
    }

    @Test
    void segments() {
        assertEquals(List.of("brokers", "topics", "t", "partitions", "0", "state"),
            ZkPaths.segments(ZkPaths.partitionState("t", 0)));
    }
}
