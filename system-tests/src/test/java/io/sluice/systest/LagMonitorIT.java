package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.common.Time;
import io.sluice.lag.BurrowApi;
import io.sluice.lag.ClusterConfig;
import io.sluice.lag.AdminOffsetsSource;
import io.sluice.lag.LagHttpServer;
import io.sluice.lag.LagMonitor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lag monitor (admin-cli, io.sluice.lag) against a real broker, through its raw-protocol offsets source and its
 * HTTP API: a kafka-clients consumer group that has read and committed everything is OK with lag 0; after more
 * records are produced and not consumed, the API reports the lag, the time lag, the end offsets and the metrics.
 */
class LagMonitorIT {
    private static final String TOPIC = "lag-orders";
    private static final String GROUP = "lag-group";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;
    static LagMonitor monitor;
    static LagHttpServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        cluster = SingleBrokerCluster.start(workDir, LagMonitorIT.class);
        try (Admin admin = KafkaClients.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        ClusterConfig config = new ClusterConfig("local", List.of(cluster.bootstrapServers()), 500, 10, null, null,
            ClusterConfig.DEFAULT_GROUP_EXPIRY_MS, 100);
        monitor = new LagMonitor(List.of(config), c -> new AdminOffsetsSource(c.bootstrapServers()), Time.SYSTEM);
        server = LagHttpServer.start(new BurrowApi(monitor, false, "systest"), "127.0.0.1", 0);
        monitor.start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
            if (monitor != null) {
                monitor.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static void produce(int perPartition) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(), Map.of())) {
            for (int i = 0; i < perPartition; i++) {
                for (int p = 0; p < 2; p++) {
                    producer.send(new ProducerRecord<>(TOPIC, p, null, ("r" + i).getBytes())).get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void reportsOkWhileKeepingUpAndTheLagOfRecordsNotConsumed() throws Exception {
        produce(20);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(),
            Map.of(ConsumerConfig.GROUP_ID_CONFIG, GROUP))) {
            consumer.subscribe(List.of(TOPIC));
            int[] read = {0};
            Await.until(WAIT, () -> {
                read[0] += consumer.poll(Duration.ofMillis(200)).count();
                return read[0] >= 40;
            }, () -> "the consumer reads the 40 records (read " + read[0] + ")");
            consumer.commitSync(Duration.ofSeconds(30));

            AtomicReference<JsonNode> last = new AtomicReference<>();
            Await.until(WAIT, () -> {
                JsonNode status = json("/v3/kafka/local/consumer/" + GROUP + "/lag").get("status");
                last.set(status);
                return status.get("partition_count").asInt() == 2 && status.get("totallag").asLong() == 0
                    && status.get("status").asText().equals("OK");
            }, () -> "the monitor reports " + GROUP + " OK with lag 0: " + last.get() + cluster.brokerLogs(10));
            JsonNode status = last.get();
            for (JsonNode p : status.get("partitions")) {
                assertEquals("OK", p.get("status").asText(), p.toString());
                assertEquals(20, p.get("end").get("offset").asLong(), p.toString());
                assertEquals(0, p.get("current_lag").asLong(), p.toString());
            }
            assertEquals(0, json("/v3/kafka/local/consumer/" + GROUP + "/status").get("status").get("partitions")
                .size(), "/status lists only partitions that are not OK");
        }

        // More records, consumed by nobody: the lag is computed from the end offsets, so it shows at once.
        produce(15);
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until(WAIT, () -> {
            JsonNode status = json("/v3/kafka/local/consumer/" + GROUP + "/lag").get("status");
            last.set(status);
            boolean timeLagKnown = true;
            for (JsonNode p : status.get("partitions")) {
                timeLagKnown &= p.hasNonNull("time_lag_ms") && p.get("time_lag_ms").asLong() > 0;
            }
            return status.get("totallag").asLong() == 30 && timeLagKnown;
        }, () -> "the monitor reports a lag of 30 records with time lags: " + last.get());
        for (JsonNode p : last.get().get("partitions")) {
            assertEquals(15, p.get("current_lag").asLong(), p.toString());
            assertEquals(35, p.get("end_offset").asLong(), p.toString());
        }
        assertEquals(15, last.get().get("maxlag").get("current_lag").asLong());

        assertEquals("[35,35]", json("/v3/kafka/local/topic/" + TOPIC).get("offsets").toString());
        assertEquals("[\"" + GROUP + "\"]", json("/v3/kafka/local/topic/" + TOPIC + "/consumers").get("consumers")
            .toString());
        JsonNode detail = json("/v3/kafka/local/consumer/" + GROUP).get("topics").get(TOPIC);
        assertEquals(2, detail.size());
        assertEquals(15, detail.get(0).get("current-lag").asLong());
        String metrics = get("/metrics").body();
        assertTrue(metrics.lines().anyMatch(
            ("burrow_kafka_consumer_lag_total{cluster=\"local\",consumer_group=\"" + GROUP + "\"} 30")::equals),
            metrics);
        assertEquals(404, get("/v3/kafka/local/consumer/no-such-group/status").statusCode());
    }
}
