package io.sluice.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BrokerMetricsTest {
    private final AtomicInteger underReplicated = new AtomicInteger();

    private BrokerMetrics metrics() {
        return new BrokerMetrics(new BrokerMetrics.Sources(underReplicated::get, () -> 2, () -> 1, () -> 7, () -> 3,
            () -> 4, () -> Map.of("Produce", 5, "Fetch", 6, "DeleteRecords", 0),
            () -> List.of(new BrokerMetrics.LogStat("orders", 0, 4096, 42), new BrokerMetrics.LogStat("orders", 1, 0, 0))));
    }

    /** The value of the one sample whose line starts with {@code series} (name and labels as exposed). */
    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertTrue(m.find(), () -> series + " in\n" + exposition);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countersAccumulatePerTopicAndGaugesReadTheirSourcesAtEachScrape() {
        BrokerMetrics m = metrics();
        m.produced("orders", 1000, 10);
        m.produced("orders", 500, 5);
        m.produced("audit", 7, 1);
        m.fetchedByConsumer("orders", 1200);
        m.isrChanged(true);
        m.isrChanged(true);
        m.isrChanged(false);
        String text = m.scrape();
        assertEquals(1500, value(text, "kafka_server_brokertopicmetrics_bytes_in_total{topic=\"orders\"}"));
        assertEquals(15, value(text, "kafka_server_brokertopicmetrics_messages_in_total{topic=\"orders\"}"));
        assertEquals(1, value(text, "kafka_server_brokertopicmetrics_messages_in_total{topic=\"audit\"}"));
        assertEquals(1200, value(text, "kafka_server_brokertopicmetrics_bytes_out_total{topic=\"orders\"}"));
        assertEquals(2, value(text, "kafka_server_replicamanager_isr_shrinks_total"));
        assertEquals(1, value(text, "kafka_server_replicamanager_isr_expands_total"));
        assertEquals(0, value(text, "kafka_server_replicamanager_under_replicated_partitions"));
        assertEquals(2, value(text, "kafka_controller_kafkacontroller_offline_partitions_count"));
        assertEquals(1, value(text, "kafka_controller_kafkacontroller_active_controller_count"));
        assertEquals(7, value(text, "kafka_server_replicamanager_partition_count"));
        assertEquals(3, value(text, "kafka_server_replicamanager_leader_count"));
        assertEquals(4, value(text, "kafka_coordinator_group_groupmetadatamanager_num_groups"));
        assertEquals(5, value(text, "kafka_server_delayedoperationpurgatory_purgatory_size{delayed_operation=\"Produce\"}"));
        assertEquals(4096, value(text, "kafka_log_log_size_bytes{partition=\"0\",topic=\"orders\"}"));
        assertEquals(42, value(text, "kafka_log_log_log_end_offset{partition=\"0\",topic=\"orders\"}"));

        underReplicated.set(3);
        assertEquals(3, value(m.scrape(), "kafka_server_replicamanager_under_replicated_partitions"));
    }

    @Test
    void requestLatencyIsSummarisedPerApiWithQuantilesInSeconds() {
        BrokerMetrics m = metrics();
        for (int i = 1; i <= 100; i++) {
            m.requestCompleted("Produce", i * 1_000_000L);   // 1..100 ms
        }
        m.requestCompleted("Fetch", 500_000_000L);
        String text = m.scrape();
        assertEquals(100, value(text, "kafka_network_requestmetrics_requests_total{request=\"Produce\"}"));
        assertEquals(1, value(text, "kafka_network_requestmetrics_requests_total{request=\"Fetch\"}"));
        double p50 = value(text, "kafka_network_requestmetrics_total_time_seconds{request=\"Produce\",quantile=\"0.5\"}");
        assertTrue(p50 >= 0.045 && p50 <= 0.055, "p50 of 1..100 ms: " + p50);
        double p99 = value(text, "kafka_network_requestmetrics_total_time_seconds{request=\"Produce\",quantile=\"0.99\"}");
        assertTrue(p99 >= 0.098 && p99 <= 0.1, "p99 of 1..100 ms: " + p99);
        assertEquals(0.5, value(text, "kafka_network_requestmetrics_total_time_seconds_sum{request=\"Fetch\"}"), 1e-9);
    }

    @Test
    void zooKeeperStateChangesAreCountedAndTheCurrentStateExposed() {
        BrokerMetrics m = metrics();
        assertEquals(1, value(m.scrape(), "kafka_server_sessionexpirelistener_session_state{state=\"CONNECTED\"}"));
        m.zooKeeperStateChanged("SUSPENDED");
        m.zooKeeperStateChanged("LOST");
        String lost = m.scrape();
        assertEquals(1, value(lost, "kafka_server_sessionexpirelistener_zookeeper_disconnects_total"));
        assertEquals(1, value(lost, "kafka_server_sessionexpirelistener_zookeeper_expires_total"));
        assertEquals(1, value(lost, "kafka_server_sessionexpirelistener_session_state{state=\"LOST\"}"));
        assertTrue(!lost.contains("state=\"CONNECTED\""), lost);
        m.zooKeeperStateChanged("RECONNECTED");
        assertEquals(1, value(m.scrape(), "kafka_server_sessionexpirelistener_session_state{state=\"CONNECTED\"}"));
    }

    @Test
    void theEndpointServesTheTextFormat() throws Exception {
        try (BrokerMetrics m = metrics()) {
            m.produced("orders", 10, 1);
            int port = m.serve(0);
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                response.headers().toString());
            assertEquals(10, value(response.body(), "kafka_server_brokertopicmetrics_bytes_in_total{topic=\"orders\"}"));
            assertTrue(response.body().contains("# TYPE kafka_server_brokertopicmetrics_bytes_in_total counter"),
                response.body());
        }
    }
}
