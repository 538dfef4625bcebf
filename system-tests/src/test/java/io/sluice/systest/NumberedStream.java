package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * An idempotent acks=all producer (kafka-clients) writing the numbers 0, 1, 2, … to a topic, number n to
 * partition n % partitions (key and value both the decimal number), about 500 a second, while a test breaks the
 * cluster. It remembers where each acknowledged number went, and {@link #verify} checks a full read of the topic
 * against that: every acknowledged number exactly once at its acknowledged offset, offsets contiguous, numbers
 * increasing per partition, nothing that was never sent.
 *
 * <p>Not thread-safe: one test drives it.
 */
final class NumberedStream implements AutoCloseable {
    /** One acknowledged send: the number, where the broker put it, when the ack arrived. */
    record Ack(long seq, int partition, long offset, long nanos) {}

    private final String topic;
    private final int partitions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLongArray lastAckNanos;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> producerError = new AtomicReference<>();
    private final Semaphore inFlight = new Semaphore(500);
    private boolean stopped;

    private NumberedStream(String topic, int partitions, String bootstrap, String clientId) {
        this.topic = topic;
        this.partitions = partitions;
        this.lastAckNanos = new AtomicLongArray(partitions);
        this.producer = KafkaClients.producer(bootstrap, Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000));
        this.thread = new Thread(this::run, clientId + "-producer");
        thread.setDaemon(true);
    }

    /** Starts streaming at once. */
    static NumberedStream start(String topic, int partitions, String bootstrap, String clientId) {
        NumberedStream stream = new NumberedStream(topic, partitions, bootstrap, clientId);
        stream.thread.start();
        return stream;
    }

    private void run() {
        try {
            while (!stop.get()) {
                if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long seq = sent.getAndIncrement();
                int partition = (int) (seq % partitions);
                byte[] number = Long.toString(seq).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, partition, number, number), (md, e) -> {
                    inFlight.release();
                    if (e == null) {
                        long now = System.nanoTime();
                        acks.add(new Ack(seq, md.partition(), md.offset(), now));
                        lastAckNanos.set(md.partition(), now);
                    } else {
                        failures.add(seq + ": " + e);
                    }
                });
                if (seq % 10 == 9) {
                    // Pacing, not waiting for a condition: about 500 records a second.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
        } catch (Throwable t) {
            producerError.set(t);
        }
    }

    int ackCount() {
        return acks.size();
    }

    int failureCount() {
        return failures.size();
    }

    long sentCount() {
        return sent.get();
    }

    /** System.nanoTime() of the latest ack on the partition (0 if none yet). */
    long lastAckNanos(int partition) {
        return lastAckNanos.get(partition);
    }

    /** The first few failed sends, for messages. */
    String firstFailures() {
        return failures.stream().limit(5).toList().toString();
    }

    /** Waits until at least {@code count} more sends than now are acknowledged. */
    void awaitMoreAcks(int count, Duration timeout) {
        int target = ackCount() + count;
        Await.until(timeout, () -> ackCount() >= target,
                () -> "the producer gets " + count + " more acks on " + topic + "; failures: " + firstFailures());
    }

    /** Stops sending and waits until every send is answered (acknowledged or failed). Idempotent. */
    void stop() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(30));
        producer.close(Duration.ofSeconds(90)); // completes or fails every outstanding send
        assertNull(producerError.get(), () -> "the producer thread failed: " + producerError.get());
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Stops the stream, reads the topic in full through {@code bootstrap}, checks it and returns what it read. */
    Map<Integer, List<String>> stopAndVerify(String bootstrap) throws InterruptedException {
        stop();
        System.out.printf("FAILOVER-TIMES: stream %s: %d sent, %d acknowledged, %d failed%n", topic, sent.get(),
                acks.size(), failures.size());
        Map<Integer, List<String>> content = readAll(topic, partitions, bootstrap);
        verify(content);
        return content;
    }

    /**
     * Every acknowledged number is in the log exactly once, at the offset its ack named; per partition offsets are
     * contiguous from 0 and numbers increase; nothing unknown was written. {@code content} as {@link #readAll}.
     */
    void verify(Map<Integer, List<String>> content) {
        long sentTotal = sent.get();
        Map<Integer, Map<Long, Long>> valueAt = new HashMap<>();
        Set<Long> seen = new HashSet<>();
        for (Map.Entry<Integer, List<String>> e : content.entrySet()) {
            int p = e.getKey();
            Map<Long, Long> offsets = new HashMap<>();
            long expectedOffset = 0;
            long previous = -1;
            for (String r : e.getValue()) {
                String[] f = r.split(":");
                long offset = Long.parseLong(f[0]);
                long key = Long.parseLong(f[1]);
                long value = Long.parseLong(f[2]);
                assertEquals(expectedOffset, offset, "offsets of partition " + p + " are contiguous");
                expectedOffset++;
                assertEquals(key, value, "key and value of offset " + offset + " of partition " + p);
                assertTrue(value >= 0 && value < sentTotal, "offset " + offset + " of partition " + p + " holds "
                        + value + ", which was never sent");
                assertEquals(p, (int) (value % partitions), "number " + value + " was sent to another partition");
                assertTrue(seen.add(value), "number " + value + " is in the log twice (partition " + p + ", offset "
                        + offset + ")");
                assertTrue(value > previous, "partition " + p + ": " + value + " at offset " + offset + " follows "
                        + previous);
                previous = value;
                offsets.put(offset, value);
            }
            valueAt.put(p, offsets);
        }
        Map<Integer, List<Ack>> byPartition = new ArrayList<>(acks).stream()
                .collect(Collectors.groupingBy(Ack::partition));
        for (Map.Entry<Integer, List<Ack>> e : byPartition.entrySet()) {
            int p = e.getKey();
            List<Ack> inOrder = new ArrayList<>(e.getValue());
            inOrder.sort(Comparator.comparingLong(Ack::seq));
            long previousOffset = -1;
            for (Ack a : inOrder) {
                assertTrue(a.offset() > previousOffset, "acks of partition " + p + " name increasing offsets: "
                        + a + " after offset " + previousOffset);
                previousOffset = a.offset();
                Long there = valueAt.getOrDefault(p, Map.of()).get(a.offset());
                assertEquals(Long.valueOf(a.seq()), there, "acknowledged " + a + " is in the log at its offset");
            }
        }
        assertEquals(partitions, byPartition.size(), "every partition got acknowledged records");
    }

    /** Every partition's records up to its end offset (the HW), as {@code offset:key:value}. */
    static Map<Integer, List<String>> readAll(String topic, int partitions, String bootstrap) {
        Duration wait = Duration.ofSeconds(60);
        Map<Integer, List<String>> result = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
                List<String> records = new ArrayList<>();
                long deadline = System.nanoTime() + wait.toNanos();
                while (consumer.position(tp, Duration.ofSeconds(30)) < end) {
                    assertTrue(System.nanoTime() < deadline, () -> tp + ": read " + records.size() + " of " + end
                            + " records within " + wait);
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.offset() < end) {
                            records.add(r.offset() + ":" + string(r.key()) + ":" + string(r.value()));
                        }
                    }
                }
                result.put(p, records);
            }
        }
        return result;
    }

    private static String string(byte[] b) {
        return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
    }
}
