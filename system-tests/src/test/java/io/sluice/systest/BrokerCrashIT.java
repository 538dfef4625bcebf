package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idempotent acks=all producer (Kafka defaults) streams numbered records to a 1-partition topic while the broker
 * is SIGKILLed and restarted on the same log dir. Afterwards every acknowledged record is in the log exactly once,
 * at the offset its acknowledgement named; no record is there twice; offsets are contiguous and the numbers
 * increase (an idempotent producer keeps order). Sends that failed may be missing.
 */
class BrokerCrashIT {
    private static final String TOPIC = "crash-stream";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    /** How many records must be acknowledged before the kill, and after the restart. */
    private static final int ACKED_PER_PHASE = 3_000;
    private static final int MAX_UNACKED = 2_000;
    private static final int PADDING = 100;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        // A short ZooKeeper session: the restarted broker waits for its killed predecessor's registration to expire.
        cluster = SingleBrokerCluster.start(workDir, BrokerCrashIT.class,
                b -> b.property("zookeeper.session.timeout.ms", "6000"));
        try (Admin admin = KafkaClients.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aSigkillMidStreamLosesNoAcknowledgedRecordAndDuplicatesNone() throws Exception {
        Map<Long, Long> ackedOffset = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> failedSends = new ConcurrentLinkedQueue<>();
        AtomicLong sent = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        Semaphore unacked = new Semaphore(MAX_UNACKED);

        Thread producerThread = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(),
                    Map.of(ProducerConfig.CLIENT_ID_CONFIG, "systest-crash-producer"))) {
                long n = 0;
                while (!stop.get()) {
                    if (!unacked.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    long number = n++;
                    producer.send(new ProducerRecord<>(TOPIC, 0, null, value(number)), (metadata, exception) -> {
                        unacked.release();
                        if (exception == null) {
                            ackedOffset.put(number, metadata.offset());
                        } else if (failedSends.size() < 10_000) {
                            failedSends.add(number + ": " + exception);
                        }
                    });
                    sent.set(n);
                    if (n % 20 == 0) {
                        Thread.sleep(2); // a steady stream of a few thousand records a second, not a flood
                    }
                }
                producer.flush();
            } catch (Throwable t) {
                producerError.set(t);
            }
        }, "systest-crash-producer");
        producerThread.setDaemon(true);
        producerThread.start();

        try {
            // (60 s: long enough to ride out one produce request that times out on the client and is retried)
            Await.until(Duration.ofSeconds(60), () -> ackedOffset.size() >= ACKED_PER_PHASE,
                    () -> ACKED_PER_PHASE + " records acknowledged before the kill (acked " + ackedOffset.size()
                            + ", sent " + sent.get() + ", failed " + failedSends.size() + ")" + cluster.brokerLogs());

            long sentAtKill = sent.get();
            int ackedAtKill = ackedOffset.size();
            cluster.broker().kill();
            assertFalse(cluster.broker().isAlive(), "the broker is dead after SIGKILL");
            long restartStart = System.nanoTime();
            cluster.broker().restart();
            long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStart);
            long sentAtRestart = sent.get();

            // The producer carries on: records it sent only after the restart get acknowledged too.
            Await.until(Duration.ofSeconds(60), () -> ackedOffset.keySet().stream()
                            .filter(number -> number >= sentAtRestart).count() >= ACKED_PER_PHASE,
                    () -> ACKED_PER_PHASE + " records sent after the restart acknowledged (acked in all "
                            + ackedOffset.size() + ", sent " + sent.get() + ", failed " + failedSends.size()
                            + ", first failures " + first(failedSends) + ")" + cluster.brokerLogs());
            long resumeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStart) - restartMs;
            System.out.printf("BrokerCrashIT: killed after %d sent / %d acked; restart took %d ms; %d sent by then; "
                    + "%d records sent after the restart were acknowledged %d ms after it%n", sentAtKill, ackedAtKill,
                    restartMs, sentAtRestart, ACKED_PER_PHASE, resumeMs);
        } finally {
            stop.set(true);
            producerThread.join(TimeUnit.SECONDS.toMillis(150));
        }
        assertFalse(producerThread.isAlive(), "the producer thread ended (flush and close)");
        if (producerError.get() != null) {
            throw new AssertionError("the producer thread failed: " + producerError.get(), producerError.get());
        }
        long totalSent = sent.get();
        System.out.printf("BrokerCrashIT: %d sent, %d acknowledged, %d failed%s%n", totalSent, ackedOffset.size(),
                failedSends.size(), failedSends.isEmpty() ? "" : ", first failures " + first(failedSends));
        assertEquals(totalSent, ackedOffset.size() + failedSends.size(), "every send completed one way or the other");

        // Read the whole partition back.
        long[] numberAt;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(), Map.of())) {
            consumer.assign(List.of(TP));
            long end = consumer.endOffsets(List.of(TP), Duration.ofSeconds(30)).get(TP);
            assertEquals(0L, consumer.beginningOffsets(List.of(TP), Duration.ofSeconds(30)).get(TP), "log start");
            numberAt = new long[(int) end];
            long next = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (next < end) {
                if (System.nanoTime() - deadline > 0) {
                    fail("the consumer did not reach offset " + end + " within 60 s; at " + next + cluster.brokerLogs());
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() != next) {
                        fail("offsets are not contiguous: expected " + next + ", got " + record.offset());
                    }
                    numberAt[(int) next++] = ByteBuffer.wrap(record.value()).getLong();
                }
            }
        }

        List<String> problems = new ArrayList<>();
        long[] offsetOf = new long[(int) totalSent];
        Arrays.fill(offsetOf, -1);
        for (int offset = 0; offset < numberAt.length; offset++) {
            long number = numberAt[offset];
            if (number < 0 || number >= totalSent) {
                add(problems, "offset " + offset + " holds " + number + ", which was never sent");
                continue;
            }
            if (offsetOf[(int) number] >= 0) {
                add(problems, "record " + number + " is in the log twice: at offsets " + offsetOf[(int) number]
                        + " and " + offset);
            } else {
                offsetOf[(int) number] = offset;
            }
            if (offset > 0 && numberAt[offset - 1] >= number) {
                add(problems, "order: offset " + (offset - 1) + " holds " + numberAt[offset - 1] + ", offset " + offset
                        + " holds " + number);
            }
        }
        for (Map.Entry<Long, Long> acked : ackedOffset.entrySet()) {
            long number = acked.getKey();
            long at = offsetOf[(int) number];
            if (at < 0) {
                add(problems, "record " + number + " was acknowledged at offset " + acked.getValue()
                        + " but is not in the log");
            } else if (at != acked.getValue()) {
                add(problems, "record " + number + " was acknowledged at offset " + acked.getValue()
                        + " but is at offset " + at);
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s) after the crash (" + totalSent + " sent, " + ackedOffset.size()
                    + " acknowledged, " + numberAt.length + " in the log):\n" + String.join("\n", problems)
                    + cluster.brokerLogs(60));
        }
    }

    private static byte[] value(long number) {
        ByteBuffer buf = ByteBuffer.allocate(8 + PADDING);
        buf.putLong(number);
        while (buf.hasRemaining()) {
            buf.put((byte) ('a' + (number + buf.position()) % 26));
        }
        return buf.array();
    }

    private static void add(List<String> problems, String problem) {
        if (problems.size() < 30) {
            problems.add(problem);
        } else if (problems.size() == 30) {
            problems.add("... (more)");
        }
    }

    private static String first(ConcurrentLinkedQueue<String> failures) {
        List<String> first = new ArrayList<>();
        for (String f : failures) {
            if (first.size() == 3) {
                break;
            }
            first.add(f);
        }
        return first.toString();
    }
}
