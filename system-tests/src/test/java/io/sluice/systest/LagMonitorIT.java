package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lag monitor as users run it ({@code bin/lag-monitor.sh CONFIG}, a window of {@value #WINDOW} commits and a
 * {@value #REFRESH_MS} ms refresh) against a real broker, with kafka-clients groups in each of Burrow's states,
 * read through the Burrow-compatible HTTP API:
 * <ul>
 *   <li>a consumer keeping up: OK with lag 0, owner and client id of its member; then records nobody consumes:
 *       lag, time lag, end offsets, topic and metrics endpoints;</li>
 *   <li>a consumer committing progress slower than the producer (lag growing at every commit): WARN; then it
 *       stops while the producer goes on: STOP, group ERR;</li>
 *   <li>a member committing the same offset again and again while lagging: STALL, group ERR;</li>
 *   <li>an inactive group reset backwards with {@code consumer-groups.sh --reset-offsets ... --execute}: REWIND.</li>
 * </ul>
 * Burrow's first rule makes a partition OK if its lag was 0 at any commit in the window, so every non-OK scenario
 * keeps the lag above 0 at each of its commits. The scenarios use one topic and group each and print how long each
 * status took to show.
 */
class LagMonitorIT {
    private static final String TOPIC = "lag-orders";
    private static final String GROUP = "lag-group";
    private static final long REFRESH_MS = 500;
    private static final int WINDOW = 3;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;
    static LagMonitorProcess monitor;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        cluster = SingleBrokerCluster.start(workDir, LagMonitorIT.class);
        try (Admin admin = KafkaClients.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1), new NewTopic("lag-stopped", 1, (short) 1),
                new NewTopic("lag-stall", 1, (short) 1), new NewTopic("lag-rewind", 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        }
        producer = KafkaClients.producer(cluster.bootstrapServers(), Map.of());
        monitor = LagMonitorProcess.start(workDir.resolve("monitor"), cluster.bootstrapServers(), REFRESH_MS, WINDOW);
    }

    @AfterAll
    static void stop() {
        try {
            if (producer != null) {
                producer.close();
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

    private static void produce(String topic, int partitions, int perPartition) throws Exception {
        for (int i = 0; i < perPartition; i++) {
            for (int p = 0; p < partitions; p++) {
                producer.send(new ProducerRecord<>(topic, p, null, ("r" + i).getBytes())).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A consumer that commits for {@code group} without joining it (assign mode): the group stays inactive. */
    private static KafkaConsumer<byte[], byte[]> committer(String group) {
        return KafkaClients.consumer(cluster.bootstrapServers(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, group));
    }

    private static void commit(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long offset) {
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset)), Duration.ofSeconds(30));
    }

    /** Waits until the monitor shows {@code offset} as the newest commit of partition 0 of {@code group}. */
    private static JsonNode awaitCommitSeen(String group, long offset) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until(WAIT, () -> {
            last.set(null);
            JsonNode status = monitor.lag(group);
            last.set(status);
            JsonNode end = status.get("partitions").get(0).get("end");
            return end != null && !end.isNull() && end.get("offset").asLong() == offset;
        }, () -> "the monitor sees the commit of offset " + offset + " by " + group + ": " + last.get());
        return last.get();
    }

    /** Waits until partition 0 of {@code group} has {@code partitionStatus}, returns the group's status then. */
    private static JsonNode awaitPartitionStatus(String group, String partitionStatus, Runnable eachPoll) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until(WAIT, () -> {
            eachPoll.run();
            JsonNode status = monitor.lag(group);
            last.set(status);
            return status.get("partitions").get(0).get("status").asText().equals(partitionStatus);
        }, () -> group + " partition 0 turns " + partitionStatus + ": " + last.get() + "\n" + monitor.consoleTail(20));
        return last.get();
    }

    private static void timing(String what, long sinceNanos) {
        System.out.printf("LagMonitorIT timing: %s after %d ms (refresh %d ms, window %d)%n", what,
            (System.nanoTime() - sinceNanos) / 1_000_000, REFRESH_MS, WINDOW);
    }

    @Test
    void reportsOkWhileKeepingUpAndTheLagOfRecordsNotConsumed() throws Exception {
        produce(TOPIC, 2, 20);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(),
            Map.of(ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.CLIENT_ID_CONFIG, "keeping-up"))) {
            consumer.subscribe(List.of(TOPIC));
            int[] read = {0};
            Await.until(WAIT, () -> {
                read[0] += consumer.poll(Duration.ofMillis(200)).count();
                return read[0] >= 40;
            }, () -> "the consumer reads the 40 records (read " + read[0] + ")");
            consumer.commitSync(Duration.ofSeconds(30));
            long committed = System.nanoTime();

            AtomicReference<JsonNode> last = new AtomicReference<>();
            Await.until(WAIT, () -> {
                consumer.poll(Duration.ofMillis(50));
                JsonNode status = monitor.lag(GROUP);
                last.set(status);
                boolean owned = true;
                for (JsonNode p : status.get("partitions")) {
                    owned &= !p.get("owner").asText().isEmpty();
                }
                return status.get("partition_count").asInt() == 2 && status.get("totallag").asLong() == 0
                    && status.get("status").asText().equals("OK") && owned;
            }, () -> "the monitor reports " + GROUP + " OK with lag 0 and owners: " + last.get()
                + cluster.brokerLogs(10));
            timing("OK with owners shown for a consumer keeping up", committed);
            for (JsonNode p : last.get().get("partitions")) {
                assertEquals("OK", p.get("status").asText(), p.toString());
                assertEquals(20, p.get("end").get("offset").asLong(), p.toString());
                assertEquals(0, p.get("current_lag").asLong(), p.toString());
                assertEquals("keeping-up", p.get("client_id").asText(), p.toString());
                assertTrue(p.get("owner").asText().contains("127.0.0.1"), "owner is the member's host: " + p);
            }
            JsonNode detail = monitor.json("/v3/kafka/local/consumer/" + GROUP).get("topics").get(TOPIC);
            assertEquals("keeping-up", detail.get(0).get("client_id").asText(), detail.toString());
            assertEquals(0, monitor.json("/v3/kafka/local/consumer/" + GROUP + "/status").get("status")
                .get("partitions").size(), "/status lists only partitions that are not OK");
        }

        // The member left: no owner. More records, consumed by nobody: the lag is computed from the end offsets.
        produce(TOPIC, 2, 15);
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until(WAIT, () -> {
            JsonNode status = monitor.lag(GROUP);
            last.set(status);
            boolean timeLagKnownAndNoOwner = true;
            for (JsonNode p : status.get("partitions")) {
                timeLagKnownAndNoOwner &= p.hasNonNull("time_lag_ms") && p.get("time_lag_ms").asLong() > 0
                    && p.get("owner").asText().isEmpty() && p.get("client_id").asText().isEmpty();
            }
            return status.get("totallag").asLong() == 30 && timeLagKnownAndNoOwner;
        }, () -> "the monitor reports a lag of 30 records with time lags and no owners: " + last.get());
        for (JsonNode p : last.get().get("partitions")) {
            assertEquals(15, p.get("current_lag").asLong(), p.toString());
            assertEquals(35, p.get("end_offset").asLong(), p.toString());
        }
        assertEquals(15, last.get().get("maxlag").get("current_lag").asLong());

        assertEquals("[35,35]", monitor.json("/v3/kafka/local/topic/" + TOPIC).get("offsets").toString());
        assertEquals("[\"" + GROUP + "\"]", monitor.json("/v3/kafka/local/topic/" + TOPIC + "/consumers")
            .get("consumers").toString());
        JsonNode detail = monitor.json("/v3/kafka/local/consumer/" + GROUP).get("topics").get(TOPIC);
        assertEquals(2, detail.size());
        assertEquals(15, detail.get(0).get("current-lag").asLong());
        assertEquals(WINDOW, detail.get(0).get("offsets").size(), "Burrow's ring has window-size slots");
        String metrics = monitor.get("/metrics").body();
        assertTrue(metrics.lines().anyMatch(
            ("burrow_kafka_consumer_lag_total{cluster=\"local\",consumer_group=\"" + GROUP + "\"} 30")::equals),
            metrics);
        assertEquals(404, monitor.get("/v3/kafka/local/consumer/no-such-group/status").statusCode());
        assertEquals(404, monitor.get("/v3/kafka/no-such-cluster/consumer").statusCode());
        assertEquals("GOOD", monitor.get("/burrow/admin").body());
    }

    @Test
    void aConsumerFallingBehindIsWarnAndOnceStoppedWhileProducingStopAndTheGroupErr() throws Exception {
        String group = "lag-stopped-group";
        TopicPartition tp = new TopicPartition("lag-stopped", 0);
        long lastCommit = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = committer(group)) {
            // Each round the producer writes 10 records and the consumer commits 5 further: the lag at the commits
            // is 5, 10, 15 - moving, never 0, never decreasing.
            for (int round = 1; round <= WINDOW; round++) {
                produce(tp.topic(), 1, 10);
                commit(consumer, tp, 5L * round);
                lastCommit = System.nanoTime();
                JsonNode seen = awaitCommitSeen(group, 5L * round);
                assertEquals(5L * round, seen.get("partitions").get(0).get("end").get("lag").asLong(), seen.toString());
            }
        }
        // WARN lasts until the time since the last commit exceeds the window's span (about two refreshes here),
        // then STOP takes over. The live status normally shows it; on a machine too slow to ask in time, the
        // lag history (one evaluation per refresh, the first right after the commit was read) must.
        AtomicReference<JsonNode> live = new AtomicReference<>();
        AtomicReference<JsonNode> sampled = new AtomicReference<>();
        Await.until(WAIT, () -> {
            JsonNode status = monitor.lag(group);
            live.set(status);
            if (status.get("partitions").get(0).get("status").asText().equals("WARN")) {
                return true;
            }
            for (JsonNode sample : monitor.json("/v3/kafka/local/consumer/" + group + "/history").get("history")) {
                if (sample.get("status").asText().equals("WARN") && sample.get("totallag").asLong() == 15) {
                    sampled.set(sample);
                    return true;
                }
            }
            return false;
        }, () -> group + " turns WARN after its third commit: " + live.get());
        timing("WARN after the last of " + WINDOW + " commits with a growing lag", lastCommit);
        if (sampled.get() == null) {
            JsonNode warn = live.get();
            assertEquals("WARN", warn.get("status").asText(), "the group is WARN: " + warn);
            assertEquals(1.0, warn.get("complete").asDouble(), warn.toString());
            assertEquals(5, warn.get("partitions").get(0).get("start").get("offset").asLong(), warn.toString());
        } else {
            System.out.println("LagMonitorIT: WARN seen in the lag history only: " + sampled.get());
        }

        // The consumer stopped; the producer goes on. No commit for longer than the window spans: STOP.
        JsonNode stop = awaitPartitionStatus(group, "STOP", () -> {
            try {
                produce(tp.topic(), 1, 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        timing("STOP after the last commit (the producer still producing)", lastCommit);
        assertEquals("ERR", stop.get("status").asText(), "a STOP partition makes the group ERR: " + stop);
        JsonNode p = stop.get("partitions").get(0);
        assertTrue(p.get("current_lag").asLong() > 15, "the lag keeps growing after the stop: " + p);
        assertEquals(15, p.get("end").get("offset").asLong(), p.toString());
        assertEquals("", p.get("owner").asText(), "no member owns it");

        // Burrow's /status shape: the envelope, the group status, only the non-OK partitions with Burrow's fields.
        JsonNode body = monitor.json("/v3/kafka/local/consumer/" + group + "/status");
        assertFalse(body.get("error").asBoolean(), body.toString());
        assertEquals("consumer status returned", body.get("message").asText());
        assertEquals("/v3/kafka/local/consumer/" + group + "/status", body.get("request").get("url").asText());
        assertTrue(body.get("request").has("host"), body.toString());
        JsonNode status = body.get("status");
        for (String field : List.of("cluster", "group", "status", "complete", "partitions", "partition_count",
            "maxlag", "totallag")) {
            assertTrue(status.has(field), field + " in " + status);
        }
        assertEquals("local", status.get("cluster").asText());
        assertEquals(group, status.get("group").asText());
        assertEquals("ERR", status.get("status").asText());
        assertEquals(1, status.get("partitions").size(), status.toString());
        JsonNode partition = status.get("partitions").get(0);
        for (String field : List.of("topic", "partition", "owner", "client_id", "status", "start", "end",
            "current_lag", "complete")) {
            assertTrue(partition.has(field), field + " in " + partition);
        }
        assertEquals("STOP", partition.get("status").asText());
        for (String field : List.of("offset", "timestamp", "lag")) {
            assertTrue(partition.get("end").has(field), field + " in " + partition.get("end"));
        }
        assertEquals("STOP", status.get("maxlag").get("status").asText(), status.toString());
        List<String> groups = new ArrayList<>();
        monitor.json("/v3/kafka/local/consumer").get("consumers").forEach(g -> groups.add(g.asText()));
        assertTrue(groups.contains(group), groups.toString());
        String metrics = monitor.get("/metrics").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("burrow_kafka_consumer_status{cluster=\"local\","
            + "consumer_group=\"" + group + "\"")), metrics);
    }

    @Test
    void aMemberCommittingTheSameOffsetWhileLaggingIsStall() throws Exception {
        String group = "lag-stall-group";
        TopicPartition tp = new TopicPartition("lag-stall", 0);
        produce(tp.topic(), 1, 20);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(),
            Map.of(ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.CLIENT_ID_CONFIG, "stalled-app"))) {
            consumer.subscribe(List.of(tp.topic()));
            Await.until(WAIT, () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().contains(tp);
            }, () -> "the member gets " + tp);
            long firstCommit = System.nanoTime();
            // Commits offset 5 again and again (lag 15 at every commit) while the monitor watches.
            JsonNode stall = awaitPartitionStatus(group, "STALL", () -> {
                consumer.poll(Duration.ofMillis(20));
                commit(consumer, tp, 5);
            });
            timing("STALL after the first of the repeated commits", firstCommit);
            assertEquals("ERR", stall.get("status").asText(), "a STALL partition makes the group ERR: " + stall);
            JsonNode p = stall.get("partitions").get(0);
            assertEquals(5, p.get("start").get("offset").asLong(), p.toString());
            assertEquals(5, p.get("end").get("offset").asLong(), p.toString());
            assertEquals(15, p.get("current_lag").asLong(), p.toString());
            assertEquals("stalled-app", p.get("client_id").asText(), "the member's client id: " + p);
            assertTrue(p.get("owner").asText().contains("127.0.0.1"), "the member's host: " + p);
        }
    }

    @Test
    void offsetsResetBackwardsWithConsumerGroupsToolAreRewind() throws Exception {
        String group = "lag-rewind-group";
        TopicPartition tp = new TopicPartition("lag-rewind", 0);
        produce(tp.topic(), 1, 30);
        try (KafkaConsumer<byte[], byte[]> consumer = committer(group)) {
            commit(consumer, tp, 20);
        }
        awaitCommitSeen(group, 20);

        long resetStarted = System.nanoTime();
        ScriptRun.Result reset = ScriptRun.run(workDir.resolve("reset"), "consumer-groups.sh", "--bootstrap-server",
            cluster.bootstrapServers(), "--group", group, "--reset-offsets", "--topic", tp.topic(), "--to-offset", "5",
            "--execute");
        assertEquals(0, reset.code(), reset.describe());
        timing("consumer-groups.sh --reset-offsets --execute finished", resetStarted);
        JsonNode rewind = awaitPartitionStatus(group, "REWIND", () -> { });
        timing("REWIND after the start of consumer-groups.sh --reset-offsets --execute", resetStarted);
        assertEquals("ERR", rewind.get("status").asText(), "a REWIND partition makes the group ERR: " + rewind);
        JsonNode p = rewind.get("partitions").get(0);
        assertEquals(20, p.get("start").get("offset").asLong(), p.toString());
        assertEquals(5, p.get("end").get("offset").asLong(), p.toString());
        assertEquals(25, p.get("current_lag").asLong(), p.toString());
        JsonNode status = monitor.json("/v3/kafka/local/consumer/" + group + "/status").get("status");
        assertEquals("REWIND", status.get("partitions").get(0).get("status").asText(), status.toString());
    }
}
