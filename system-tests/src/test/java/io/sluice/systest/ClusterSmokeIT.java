package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** ZooKeeper and one broker as processes; the Kafka AdminClient sees exactly that broker. */
class ClusterSmokeIT {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static ZooKeeperProcess zk;
    static BrokerProcess broker;

    @BeforeAll
    static void startCluster() {
        zk = ZooKeeperProcess.start(workDir.resolve("zk"));
        broker = BrokerProcess.builder(zk, workDir.resolve("broker-0"))
                .brokerId(0)
                .chroot(ZooKeeperProcess.uniqueChroot(ClusterSmokeIT.class))
                .start();
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            if (zk != null) {
                zk.close();
            }
        }
    }

    @Test
    void describeClusterReturnsTheOneBrokerAndAClusterId() throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000))) {
            DescribeClusterResult cluster = admin.describeCluster();

            Collection<Node> nodes = cluster.nodes().get(30, TimeUnit.SECONDS);
            assertEquals(1, nodes.size(), "nodes: " + nodes);
            Node node = nodes.iterator().next();
            assertEquals(broker.brokerId(), node.id(), "node: " + node);
            assertEquals(broker.host(), node.host(), "node: " + node);
            assertEquals(broker.port(), node.port(), "node: " + node);

            String clusterId = cluster.clusterId().get(30, TimeUnit.SECONDS);
            assertNotNull(clusterId, "cluster id");
            assertFalse(clusterId.isBlank(), "cluster id");
        }
    }

    @Test
    void theBrokerIsAProcessOfItsOwnAnsweringApiVersions() throws Exception {
        assertTrue(broker.isAlive());
        assertTrue(ApiVersionsProbe.roundTrip(broker.port(), java.time.Duration.ofSeconds(5))
                .contains((int) ApiVersionsProbe.API_VERSIONS));
    }
}
