package io.sluice.systest.bench;

import io.sluice.client.consumer.SluiceConsumer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.client.producer.SluiceProducer;
import io.sluice.client.serialization.Serdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Issue 7's measurement, run by hand against a running broker (not a test, not run by CI): Sluice's producer and
 * consumer against kafka-clients with the same settings, in one run, on the same broker.
 * <pre>
 * mvn -q -B -pl system-tests test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -cp system-tests/target/test-classes:$(cat system-tests/cp.txt) \
 *     io.sluice.systest.bench.ClientThroughputBenchmark 127.0.0.1:9092 [records] [rounds]
 * </pre>
 * Per round and client: {@code records} (default 1,000,000) records of 100 random bytes, no key, to a new
 * 6-partition topic with acks=1 and then acks=all (idempotence off for acks=1, on for acks=all, as both clients
 * require), default batch.size and linger.ms; then that topic read back in full by each client's consumer in
 * assign mode. The two clients alternate so that both see the same machine state. Prints records/s per run and the
 * Sluice/Kafka ratio of the medians.
 */
public final class ClientThroughputBenchmark {
    private static final int PARTITIONS = 6;
    private static final int RECORD_BYTES = 100;

    private ClientThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        byte[] value = new byte[RECORD_BYTES];
        new Random(42).nextBytes(value);
        Map<String, List<Double>> results = new HashMap<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            for (int round = 1; round <= rounds; round++) {
                for (String acks : List.of("1", "all")) {
                    for (String client : List.of("kafka", "sluice")) {
                        String topic = "bench-" + client + "-acks" + acks + "-" + round + "-" + System.nanoTime();
                        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all()
                            .get(30, TimeUnit.SECONDS);
                        Thread.sleep(1000); // let the leaders settle (not a measurement)
                        double produce = client.equals("kafka") ? kafkaProduce(bootstrap, topic, acks, records, value)
                            : sluiceProduce(bootstrap, topic, acks, records, value);
                        record(results, "produce acks=" + acks + " " + client, produce);
                        if (acks.equals("1")) {
                            for (String reader : List.of("kafka", "sluice")) {
                                double consume = reader.equals("kafka") ? kafkaConsume(bootstrap, topic, records)
                                    : sluiceConsume(bootstrap, topic, records);
                                record(results, "consume " + reader, consume);
                            }
                        }
                        admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
                    }
                }
            }
        }
        System.out.println("Medians over " + rounds + " rounds of " + records + " records of " + RECORD_BYTES + " B:");
        for (String what : List.of("produce acks=1", "produce acks=all", "consume")) {
            double kafka = median(results.get(what + " kafka"));
            double sluice = median(results.get(what + " sluice"));
            System.out.printf("  %-17s kafka-clients %,10.0f rec/s   Sluice client %,10.0f rec/s   ratio %.2f%n",
                what, kafka, sluice, sluice / kafka);
        }
    }

    private static void record(Map<String, List<Double>> results, String what, double perSecond) {
        results.computeIfAbsent(what, k -> new java.util.ArrayList<>()).add(perSecond);
        System.out.printf("%-28s %,12.0f records/s%n", what, perSecond);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Map<String, Object> producerConfig(String bootstrap, String acks) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("acks", acks);
        config.put("enable.idempotence", acks.equals("all"));
        return config;
    }

    private static double kafkaProduce(String bootstrap, String topic, String acks, int records, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap, acks),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, value));
            }
            producer.flush();
            return records / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double sluiceProduce(String bootstrap, String topic, String acks, int records, byte[] value)
            throws Exception {
        try (SluiceProducer<byte[], byte[]> producer = SluiceProducer.create(producerConfig(bootstrap, acks),
                Serdes.byteArraySerializer(), Serdes.byteArraySerializer())) {
            long start = System.nanoTime();
            CompletableFuture<?> last = null;
            for (int i = 0; i < records; i++) {
                last = producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
            last.get(60, TimeUnit.SECONDS);
            return records / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double kafkaConsume(String bootstrap, String topic, int records) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new java.util.ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long start = System.nanoTime();
            long read = 0;
            while (read < records) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double sluiceConsume(String bootstrap, String topic, int records) {
        try (SluiceConsumer<byte[], byte[]> consumer = SluiceConsumer.create(Map.of("bootstrap.servers", bootstrap),
                Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer())) {
            List<io.sluice.common.TopicPartition> tps = new java.util.ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new io.sluice.common.TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long start = System.nanoTime();
            long read = 0;
            while (read < records) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }
}
