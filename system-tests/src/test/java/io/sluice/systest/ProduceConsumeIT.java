package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 keyed records with headers, 20,000 in each compression type, from Kafka producers at their default
 * settings (idempotence on, acks=all) to a 3-partition topic; a consumer in assign mode reads them back: offsets
 * contiguous from 0 in each partition, every record identical to what was sent (key, value, headers, timestamp,
 * and the partition and offset its send was acknowledged with), none missing, none twice.
 */
class ProduceConsumeIT {
    private static final String TOPIC = "produce-consume";
    private static final int PARTITIONS = 3;
    private static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    private static final int PER_CODEC = 20_000;
    private static final int TOTAL = PER_CODEC * 5;
    private static final int DISTINCT_KEYS = 997;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;
    private static final int MAX_REPORTED = 20;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = SingleBrokerCluster.start(workDir, ProduceConsumeIT.class);
        try (Admin admin = KafkaClients.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What one send carried, and where the broker said it put it. */
    record Expected(String id, byte[] key, byte[] value, List<Header> headers, long timestamp, int partition,
                    long offset) {}

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyRecordInEveryCompressionTypeComesBackIdenticalWithContiguousOffsets() throws Exception {
        Map<String, Expected> expected = new ConcurrentHashMap<>();
        long produceStart = System.nanoTime();
        ExecutorService producers = Executors.newFixedThreadPool(CODECS.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CODECS.size(); c++) {
                int codecIndex = c;
                done.add(producers.submit(() -> {
                    produce(codecIndex, expected);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("a producer failed: " + e.getCause() + cluster.brokerLogs(), e.getCause());
                }
            }
        } finally {
            producers.shutdownNow();
        }
        long produceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - produceStart);
        assertEquals(TOTAL, expected.size(), "acknowledged sends");

        // The same key always went to the same partition, whichever producer sent it.
        Map<String, Integer> partitionOfKey = new HashMap<>();
        for (Expected e : expected.values()) {
            String key = new String(e.key(), StandardCharsets.UTF_8);
            Integer previous = partitionOfKey.putIfAbsent(key, e.partition());
            if (previous != null && previous != e.partition()) {
                fail("key " + key + " was acknowledged on partitions " + previous + " and " + e.partition());
            }
        }

        long consumeStart = System.nanoTime();
        Problems problems = new Problems();
        Map<String, Boolean> seen = new HashMap<>();
        long[] nextOffset = new long[PARTITIONS];
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(), Map.of())) {
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long endSum = end.values().stream().mapToLong(Long::longValue).sum();
            assertEquals(TOTAL, endSum, "sum of the end offsets " + end);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!reached(consumer, end)) {
                if (System.nanoTime() - deadline > 0) {
                    fail("the consumer did not reach the end offsets " + end + " within 90 s; positions "
                            + positions(consumer, partitions) + ", consumed " + seen.size() + cluster.brokerLogs());
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    check(record, expected, seen, nextOffset, problems);
                }
            }
        }
        long consumeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - consumeStart);
        System.out.printf("ProduceConsumeIT: produced %d records in %d ms, consumed them in %d ms%n", TOTAL, produceMs,
                consumeMs);

        for (Expected e : expected.values()) {
            if (!seen.containsKey(e.id())) {
                problems.add("missing: " + e.id() + " acknowledged at " + e.partition() + "@" + e.offset());
            }
        }
        if (!problems.isEmpty()) {
            fail(problems + cluster.brokerLogs());
        }
        assertEquals(TOTAL, seen.size(), "distinct records read back");
    }

    private static void produce(int codecIndex, Map<String, Expected> expected) throws Exception {
        String codec = CODECS.get(codecIndex);
        List<Future<RecordMetadata>> futures = new ArrayList<>(PER_CODEC);
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>(PER_CODEC);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
                        ProducerConfig.CLIENT_ID_CONFIG, "systest-producer-" + codec))) {
            for (int i = 0; i < PER_CODEC; i++) {
                String id = codec + "-" + i;
                byte[] key = ("key-" + ((i * 31 + codecIndex) % DISTINCT_KEYS)).getBytes(StandardCharsets.UTF_8);
                byte[] value = value(id, i);
                List<Header> headers = new ArrayList<>();
                headers.add(new RecordHeader("id", id.getBytes(StandardCharsets.UTF_8)));
                headers.add(new RecordHeader("codec", codec.getBytes(StandardCharsets.UTF_8)));
                if (i % 3 == 0) {
                    headers.add(new RecordHeader("dup", "first".getBytes(StandardCharsets.UTF_8)));
                    headers.add(new RecordHeader("dup", "second".getBytes(StandardCharsets.UTF_8)));
                }
                if (i % 5 == 0) {
                    headers.add(new RecordHeader("null-value", null));
                }
                if (i % 7 == 0) {
                    headers.add(new RecordHeader("empty-value", new byte[0]));
                }
                long timestamp = BASE_TIMESTAMP + (long) codecIndex * PER_CODEC + i;
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, null, timestamp, key, value,
                        headers);
                sent.add(record);
                futures.add(producer.send(record));
            }
            producer.flush();
            for (int i = 0; i < PER_CODEC; i++) {
                RecordMetadata metadata;
                try {
                    metadata = futures.get(i).get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError(codec + " send " + i + " failed: " + e.getCause(), e.getCause());
                }
                ProducerRecord<byte[], byte[]> record = sent.get(i);
                String id = codec + "-" + i;
                List<Header> headers = Arrays.asList(record.headers().toArray());
                expected.put(id, new Expected(id, record.key(), record.value(), headers, record.timestamp(),
                        metadata.partition(), metadata.offset()));
            }
        }
    }

    /** Values of varied length and content: some tiny, some a few KiB, compressible and not. */
    private static byte[] value(String id, int i) {
        StringBuilder b = new StringBuilder(id).append(':');
        int length = (i % 97) * (i % 13 == 0 ? 60 : 7);
        long x = i * 2654435761L;
        for (int k = 0; k < length; k++) {
            if (i % 2 == 0) {
                b.append((char) ('a' + (k % 26)));
            } else {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                b.append((char) ('!' + (int) ((x >>> 1) % 90)));
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void check(ConsumerRecord<byte[], byte[]> record, Map<String, Expected> expected,
                              Map<String, Boolean> seen, long[] nextOffset, Problems problems) {
        String where = record.partition() + "@" + record.offset();
        if (record.offset() != nextOffset[record.partition()]) {
            problems.add("offset gap or reorder in partition " + record.partition() + ": expected offset "
                    + nextOffset[record.partition()] + ", got " + record.offset());
        }
        nextOffset[record.partition()] = record.offset() + 1;
        Header idHeader = record.headers().lastHeader("id");
        if (idHeader == null || idHeader.value() == null) {
            problems.add(where + ": a record without an id header: " + record);
            return;
        }
        String id = new String(idHeader.value(), StandardCharsets.UTF_8);
        Expected e = expected.get(id);
        if (e == null) {
            problems.add(where + ": a record nobody sent: id " + id);
            return;
        }
        if (seen.put(id, Boolean.TRUE) != null) {
            problems.add(where + ": duplicate of " + id + " (acknowledged at " + e.partition() + "@" + e.offset()
                    + ")");
            return;
        }
        if (record.partition() != e.partition() || record.offset() != e.offset()) {
            problems.add(id + " read at " + where + " but acknowledged at " + e.partition() + "@" + e.offset());
        }
        if (!Arrays.equals(e.key(), record.key())) {
            problems.add(id + " at " + where + ": key " + str(record.key()) + ", sent " + str(e.key()));
        }
        if (!Arrays.equals(e.value(), record.value())) {
            problems.add(id + " at " + where + ": value differs (" + (record.value() == null ? "null"
                    : record.value().length + " bytes") + ", sent " + e.value().length + " bytes)");
        }
        List<String> gotHeaders = headers(Arrays.asList(record.headers().toArray()));
        List<String> sentHeaders = headers(e.headers());
        if (!gotHeaders.equals(sentHeaders)) {
            problems.add(id + " at " + where + ": headers " + gotHeaders + ", sent " + sentHeaders);
        }
        if (record.timestamp() != e.timestamp() || record.timestampType() != TimestampType.CREATE_TIME) {
            problems.add(id + " at " + where + ": timestamp " + record.timestamp() + " " + record.timestampType()
                    + ", sent " + e.timestamp() + " CreateTime");
        }
    }

    private static List<String> headers(List<Header> headers) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            out.add(h.key() + "=" + (h.value() == null ? "<null>" : "'" + str(h.value()) + "'"));
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(10)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Map<TopicPartition, Long> positions(KafkaConsumer<byte[], byte[]> consumer,
                                                       List<TopicPartition> partitions) {
        Map<TopicPartition, Long> out = new HashMap<>();
        partitions.forEach(tp -> out.put(tp, consumer.position(tp, Duration.ofSeconds(10))));
        return out;
    }

    /** Problems found, the first {@link #MAX_REPORTED} of them kept for the failure message. */
    static final class Problems {
        private final List<String> shown = new ArrayList<>();
        private int count;

        void add(String problem) {
            if (count++ < MAX_REPORTED) {
                shown.add(problem);
            }
        }

        boolean isEmpty() {
            return count == 0;
        }

        @Override
        public String toString() {
            return count + " problem(s)" + (count > MAX_REPORTED ? " (the first " + MAX_REPORTED + " shown)" : "")
                    + ":\n" + String.join("\n", shown);
        }
    }

    private static String str(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }
}
