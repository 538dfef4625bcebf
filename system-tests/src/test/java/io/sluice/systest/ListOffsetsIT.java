package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * ListOffsets through the Admin client (earliest, latest, by timestamp, max timestamp) and through the consumer
 * (offsetsForTimes, beginningOffsets, endOffsets), on records with explicit timestamps.
 *
 * <p>Partition 0 of {@value #TOPIC} holds 11 records: offsets 0..9 with timestamps 1000, 2000, ..., 10000, sent in
 * two flushes (so in at least two batches), then offset 10 with timestamp 5500 (out of order: the largest
 * timestamp is not the last one). Partition 1 stays empty.
 */
class ListOffsetsIT {
    private static final String TOPIC = "list-offsets";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition EMPTY = new TopicPartition(TOPIC, 1);
    private static final long[] TIMESTAMPS = {1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 5500};
    private static final long END = TIMESTAMPS.length;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;
    static Admin admin;

    @BeforeAll
    static void startClusterAndProduce() throws Exception {
        cluster = SingleBrokerCluster.start(workDir, ListOffsetsIT.class);
        admin = KafkaClients.admin(cluster.bootstrapServers());
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        List<RecordMetadata> acks = produce(TOPIC, TIMESTAMPS);
        for (int i = 0; i < TIMESTAMPS.length; i++) {
            assertEquals(i, acks.get(i).offset(), "offset of record " + i);
            assertEquals(TIMESTAMPS[i], acks.get(i).timestamp(), "timestamp of record " + i);
        }
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(10));
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void earliestAndLatest() throws Exception {
        assertEquals(0, list(P0, OffsetSpec.earliest()).offset(), "earliest");
        assertEquals(END, list(P0, OffsetSpec.latest()).offset(), "latest");
        assertEquals(0, list(EMPTY, OffsetSpec.earliest()).offset(), "earliest of the empty partition");
        assertEquals(0, list(EMPTY, OffsetSpec.latest()).offset(), "latest of the empty partition");

        ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        ListOffsetsResultInfo committedLatest = admin.listOffsets(Map.of(P0, OffsetSpec.latest()), readCommitted)
                .partitionResult(P0).get(30, TimeUnit.SECONDS);
        assertEquals(END, committedLatest.offset(), "latest, read_committed (no transactions: the same)");
    }

    @Test
    void byTimestampBeforeBetweenEqualAndAfterTheRecords() throws Exception {
        // target timestamp -> {expected offset, expected timestamp}; -1 = no such record.
        Map<Long, long[]> cases = new LinkedHashMap<>();
        cases.put(0L, new long[] {0, 1000});       // before every record
        cases.put(500L, new long[] {0, 1000});     // before every record
        cases.put(1000L, new long[] {0, 1000});    // equal to the first
        cases.put(1500L, new long[] {1, 2000});    // between
        cases.put(3000L, new long[] {2, 3000});    // equal
        cases.put(5500L, new long[] {5, 6000});    // the first record at or after 5500 is offset 5, not 10
        cases.put(5999L, new long[] {5, 6000});    // between
        cases.put(9001L, new long[] {9, 10000});   // between
        cases.put(10000L, new long[] {9, 10000});  // equal to the largest
        cases.put(10001L, new long[] {-1, -1});    // after every record
        cases.put(Long.MAX_VALUE / 2, new long[] {-1, -1});

        List<String> wrong = new ArrayList<>();
        for (Map.Entry<Long, long[]> c : cases.entrySet()) {
            ListOffsetsResultInfo info = list(P0, OffsetSpec.forTimestamp(c.getKey()));
            long[] want = c.getValue();
            if (info.offset() != want[0] || (want[0] >= 0 && info.timestamp() != want[1])) {
                wrong.add("forTimestamp(" + c.getKey() + "): got offset " + info.offset() + " timestamp "
                        + info.timestamp() + ", expected offset " + want[0] + " timestamp " + want[1]);
            }
        }
        assertEquals(List.of(), wrong, "Admin.listOffsets by timestamp" + cluster.brokerLogs(10));

        assertEquals(-1, list(EMPTY, OffsetSpec.forTimestamp(0)).offset(), "by timestamp on the empty partition");

        // The consumer asks the same question and must get the same answers; null where there is no record.
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(), Map.of())) {
            for (Map.Entry<Long, long[]> c : cases.entrySet()) {
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(P0, c.getKey()),
                        Duration.ofSeconds(30));
                OffsetAndTimestamp got = found.get(P0);
                long[] want = c.getValue();
                if (want[0] < 0) {
                    assertNull(got, "consumer offsetsForTimes(" + c.getKey() + ")");
                } else {
                    assertNotNull(got, "consumer offsetsForTimes(" + c.getKey() + ")");
                    assertEquals(want[0], got.offset(), "consumer offsetsForTimes(" + c.getKey() + ") offset");
                    assertEquals(want[1], got.timestamp(), "consumer offsetsForTimes(" + c.getKey() + ") timestamp");
                }
            }
            Map<TopicPartition, OffsetAndTimestamp> empty = consumer.offsetsForTimes(Map.of(EMPTY, 0L),
                    Duration.ofSeconds(30));
            assertNull(empty.get(EMPTY), "consumer offsetsForTimes on the empty partition");
        }
    }

    @Test
    void maxTimestampIsTheRecordWithTheLargestTimestampNotTheLastOne() throws Exception {
        ListOffsetsResultInfo max = list(P0, OffsetSpec.maxTimestamp());
        assertEquals(9, max.offset(), "offset of the record with the largest timestamp: " + max);
        assertEquals(10000, max.timestamp(), "the largest timestamp: " + max);
    }

    @Test
    void theConsumerAgreesOnBeginningAndEndOffsets() throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(), Map.of())) {
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(List.of(P0, EMPTY), Duration.ofSeconds(30));
            Map<TopicPartition, Long> end = consumer.endOffsets(List.of(P0, EMPTY), Duration.ofSeconds(30));
            assertEquals(Map.of(P0, 0L, EMPTY, 0L), beginning, "beginningOffsets");
            assertEquals(Map.of(P0, END, EMPTY, 0L), end, "endOffsets");
            assertEquals(list(P0, OffsetSpec.earliest()).offset(), beginning.get(P0), "Admin and consumer: earliest");
            assertEquals(list(P0, OffsetSpec.latest()).offset(), end.get(P0), "Admin and consumer: latest");
        }
    }

    @Test
    void afterDeleteRecordsEarliestAndByTimestampStartAtTheNewLogStart() throws Exception {
        String topic = "list-offsets-trimmed";
        TopicPartition tp = new TopicPartition(topic, 0);
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        produce(topic, new long[] {1000, 2000, 3000, 4000, 5000});

        long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).lowWatermarks().get(tp)
                .get(30, TimeUnit.SECONDS).lowWatermark();
        assertEquals(3, lowWatermark, "low watermark after deleteRecords(before 3)");

        assertEquals(3, list(tp, OffsetSpec.earliest()).offset(), "earliest after deleteRecords");
        assertEquals(5, list(tp, OffsetSpec.latest()).offset(), "latest after deleteRecords");
        ListOffsetsResultInfo before = list(tp, OffsetSpec.forTimestamp(500));
        assertEquals(3, before.offset(), "by timestamp before every record, after deleteRecords: " + before);
        assertEquals(4000, before.timestamp(), "by timestamp before every record, after deleteRecords: " + before);
        ListOffsetsResultInfo deleted = list(tp, OffsetSpec.forTimestamp(2000));
        assertEquals(3, deleted.offset(), "by the timestamp of a deleted record: " + deleted);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(), Map.of())) {
            assertEquals(3L, consumer.beginningOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp),
                    "consumer beginningOffsets after deleteRecords");
        }
    }

    private static ListOffsetsResultInfo list(TopicPartition tp, OffsetSpec spec) throws Exception {
        try {
            return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("listOffsets " + tp + " failed: " + e.getCause() + cluster.brokerLogs(20),
                    e.getCause());
        }
    }

    /** Sends one record per timestamp to partition 0, flushing after the first half. */
    private static List<RecordMetadata> produce(String topic, long[] timestamps) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(), Map.of())) {
            for (int i = 0; i < timestamps.length; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, 0, timestamps[i], null,
                        ("record " + i + " at " + timestamps[i]).getBytes(StandardCharsets.UTF_8))));
                if (i == timestamps.length / 2) {
                    producer.flush();
                }
            }
            producer.flush();
            List<RecordMetadata> acks = new ArrayList<>();
            for (Future<RecordMetadata> f : futures) {
                acks.add(f.get(30, TimeUnit.SECONDS));
            }
            return acks;
        }
    }
}
