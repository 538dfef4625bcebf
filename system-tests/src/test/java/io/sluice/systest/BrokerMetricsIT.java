package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker with {@code metrics.port} set serves Prometheus metrics whose figures match a known workload: 1,000
 * records produced to a one-partition topic and read back once by a consumer.
 */
class BrokerMetricsIT {
    private static final String TOPIC = "metered";
    private static final int RECORDS = 1_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;
    static int metricsPort;

    @BeforeAll
    static void start() {
        metricsPort = FreePorts.next();
        cluster = SingleBrokerCluster.start(workDir, BrokerMetricsIT.class,
                b -> b.property("metrics.port", Integer.toString(metricsPort)));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertTrue(m.find(), () -> series + " in\n" + exposition);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void figuresMatchAKnownProduceAndConsume() throws Exception {
        try (Admin admin = KafkaClients.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        long valueBytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(), Map.of())) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] value = ("record-" + i).getBytes(StandardCharsets.UTF_8);
                valueBytes += value.length;
                producer.send(new ProducerRecord<>(TOPIC, 0, null, value));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        int read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(), Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read < RECORDS && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        assertEquals(RECORDS, read, "the consumer read every record once");

        String text = scrape();
        assertEquals(RECORDS, value(text, "kafka_server_brokertopicmetrics_messages_in_total{topic=\"" + TOPIC + "\"}"));
        double bytesIn = value(text, "kafka_server_brokertopicmetrics_bytes_in_total{topic=\"" + TOPIC + "\"}");
        assertTrue(bytesIn > valueBytes, "bytes in (" + bytesIn + ") count whole batches, more than the values ("
                + valueBytes + ")");
        double bytesOut = value(text, "kafka_server_brokertopicmetrics_bytes_out_total{topic=\"" + TOPIC + "\"}");
        assertTrue(bytesOut >= bytesIn, "the consumer read every byte produced at least once: out " + bytesOut
                + ", in " + bytesIn);
        assertEquals(RECORDS, value(text, "kafka_log_log_log_end_offset{partition=\"0\",topic=\"" + TOPIC + "\"}"));
        assertTrue(value(text, "kafka_log_log_size_bytes{partition=\"0\",topic=\"" + TOPIC + "\"}") >= bytesIn);
        assertTrue(value(text, "kafka_network_requestmetrics_requests_total{request=\"Produce\"}") >= 1);
        assertTrue(value(text, "kafka_network_requestmetrics_total_time_seconds_count{request=\"Fetch\"}") >= 1);
        assertEquals(1, value(text, "kafka_controller_kafkacontroller_active_controller_count"));
        assertEquals(0, value(text, "kafka_controller_kafkacontroller_offline_partitions_count"));
        assertEquals(0, value(text, "kafka_server_replicamanager_under_replicated_partitions"));
        assertEquals(1, value(text, "kafka_server_replicamanager_leader_count"));
        assertEquals(1, value(text, "kafka_server_sessionexpirelistener_session_state{state=\"CONNECTED\"}"));
        assertEquals(0, value(text, "kafka_server_sessionexpirelistener_zookeeper_expires_total"));
    }
}
