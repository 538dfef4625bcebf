package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, "beyond one machine": three brokers on a real three-server ZooKeeper ensemble (three
 * bin/start-zookeeper.sh processes with server.N lines and myid files). The ensemble's leader is SIGKILLed under
 * an acks=all stream: no broker restarts or loses its ZooKeeper session (the client moves to another server with
 * the same session), no acknowledged record is lost, and admin calls keep working.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ZooKeeperEnsembleIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static ZooKeeperEnsemble ensemble;
    static final List<BrokerProcess> brokers = new ArrayList<>();
    static final List<Integer> metricsPorts = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        ensemble = ZooKeeperEnsemble.start(workDir.resolve("ensemble"), 3);
        String chroot = ZooKeeperProcess.uniqueChroot(ZooKeeperEnsembleIT.class);
        for (int id = 0; id < 3; id++) {
            int metricsPort = FreePorts.next();
            metricsPorts.add(metricsPort);
            brokers.add(BrokerProcess.builder(ensemble, workDir.resolve("broker-" + id))
                    .brokerId(id)
                    .chroot(chroot)
                    .property("zookeeper.session.timeout.ms", "18000")
                    .property("metrics.port", Integer.toString(metricsPort))
                    .start());
        }
    }

    @AfterAll
    static void stopCluster() {
        try {
            brokers.forEach(BrokerProcess::close);
        } finally {
            if (ensemble != null) {
                ensemble.close();
            }
        }
    }

    private static String bootstrap() {
        return String.join(",", brokers.stream().map(BrokerProcess::bootstrapServers).toList());
    }

    private static double zooKeeperExpiries(int broker) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPorts.get(broker) + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("(?m)^kafka_server_sessionexpirelistener_zookeeper_expires_total (\\S+)$")
                .matcher(response.body());
        assertTrue(m.find(), response.body());
        return Double.parseDouble(m.group(1));
    }

    @Test
    void losingTheZooKeeperLeaderCostsNoBrokerRestartAndNoAcknowledgedRecord() throws Exception {
        String topic = "ensemble-stream";
        List<Long> pids = brokers.stream().map(BrokerProcess::pid).toList();
        try (Admin admin = KafkaClients.admin(bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(30, TimeUnit.SECONDS);
            Await.until(WAIT, () -> admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().allMatch(p -> p.isr().size() == 3), () -> topic + " in sync");
            try (NumberedStream stream = NumberedStream.start(topic, 3, bootstrap(), "ensemble-stream")) {
                stream.awaitMoreAcks(300, WAIT);
                ZooKeeperProcess leader = ensemble.leader().orElseThrow(() -> new AssertionError(
                        "a ZooKeeper leader among " + ensemble.members()));
                long t0 = System.nanoTime();
                leader.kill();
                Await.until(WAIT, () -> ensemble.leader().isPresent(), () -> "the two remaining ZooKeeper servers "
                        + "elect a leader");
                System.out.printf("FAILOVER-TIMES: ZooKeeper leader %s SIGKILLed; the ensemble had a new leader "
                        + "after %d ms%n", leader, (System.nanoTime() - t0) / 1_000_000);
                stream.awaitMoreAcks(500, WAIT);

                // Admin calls that need ZooKeeper (create, describe, delete) work on the surviving quorum.
                String other = "created-after-zk-leader-loss";
                admin.createTopics(List.of(new NewTopic(other, 2, (short) 3))).all().get(60, TimeUnit.SECONDS);
                Await.until(WAIT, () -> admin.describeTopics(List.of(other)).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get(other).partitions().stream()
                        .allMatch(p -> p.leader() != null && p.isr().size() == 3), () -> other + " is led and in sync");
                assertEquals(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size(),
                        "every broker is still registered");
                admin.deleteTopics(List.of(other)).all().get(60, TimeUnit.SECONDS);

                leader.restart();
                stream.awaitMoreAcks(200, WAIT);
                stream.stopAndVerify(bootstrap());
            }
        }
        for (int id = 0; id < 3; id++) {
            assertTrue(brokers.get(id).isAlive(), "broker " + id + " still runs");
            assertEquals(pids.get(id), brokers.get(id).pid(), "broker " + id + " was not restarted");
            assertEquals(0, zooKeeperExpiries(id), "broker " + id + " kept its ZooKeeper session");
        }
    }
}
