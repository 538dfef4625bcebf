package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A steady stream from one producer at Kafka's defaults (idempotence on, acks=all) to a 1-partition topic on a
 * healthy broker: every send is acknowledged, and none waits anywhere near the client's request.timeout.ms
 * (30 s). A produce response that never comes shows up here as a send that took about 30 s: the client gives up on
 * the request (REQUEST_TIMED_OUT "Disconnected from node 0 due to timeout"), reconnects and retries.
 *
 * <p>It found a missed wakeup between the leader flusher and waiting acks=all produces (fixed).
 */
class ProduceLatencyIT {
    private static final String TOPIC = "latency";
    private static final Duration STREAM = Duration.ofSeconds(60);
    private static final Duration MAX_ACK_LATENCY = Duration.ofSeconds(10);
    private static final int MAX_UNACKED = 2_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = SingleBrokerCluster.start(workDir, ProduceLatencyIT.class);
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
    void noAcknowledgementTakesAnywhereNearTheRequestTimeout() throws Exception {
        AtomicLong acked = new AtomicLong();
        AtomicLong maxLatencyNanos = new AtomicLong();
        ConcurrentLinkedQueue<String> slow = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
        Semaphore unacked = new Semaphore(MAX_UNACKED);
        long sent = 0;
        long end = System.nanoTime() + STREAM.toNanos();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(),
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, "systest-latency-producer"))) {
            while (System.nanoTime() - end < 0) {
                if (!unacked.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long number = sent++;
                long sentAt = System.nanoTime();
                producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[100]), (metadata, exception) -> {
                    unacked.release();
                    long latency = System.nanoTime() - sentAt;
                    maxLatencyNanos.accumulateAndGet(latency, Math::max);
                    if (exception != null) {
                        failed.add(number + ": " + exception);
                    } else {
                        acked.incrementAndGet();
                    }
                    if (latency > MAX_ACK_LATENCY.toNanos() && slow.size() < 5) {
                        slow.add("record " + number + " took " + TimeUnit.NANOSECONDS.toMillis(latency) + " ms");
                    }
                });
                if (sent % 20 == 0) {
                    Thread.sleep(2);
                }
            }
            producer.flush();
        }
        System.out.printf("ProduceLatencyIT: %d sent, %d acknowledged, slowest acknowledgement %d ms%n", sent,
                acked.get(), TimeUnit.NANOSECONDS.toMillis(maxLatencyNanos.get()));
        assertEquals(List.of(), List.copyOf(failed), "failed sends");
        assertEquals(sent, acked.get(), "acknowledged sends");
        assertTrue(maxLatencyNanos.get() < MAX_ACK_LATENCY.toNanos(), "the slowest acknowledgement took "
                + TimeUnit.NANOSECONDS.toMillis(maxLatencyNanos.get()) + " ms (" + slow + ")" + cluster.brokerLogs(20));
    }
}
