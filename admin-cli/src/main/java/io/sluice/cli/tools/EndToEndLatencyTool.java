package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.client.ClientConfigs;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.consumer.ConsumerRecords;
import io.sluice.client.consumer.SluiceConsumer;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.client.producer.SluiceProducer;
import io.sluice.client.serialization.Serdes;
import io.sluice.common.TopicPartition;
import io.sluice.common.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/end-to-end-latency.sh BROKER_LIST TOPIC NUM_MESSAGES PRODUCER_ACKS MESSAGE_SIZE_BYTES [PROPERTIES_FILE]}:
 * sends one record at a time, waits for the acknowledgement and for the consumer to read it back, and prints the
 * average and the 50th/99th/99.9th percentiles of that round trip, like Kafka's EndToEndLatency.
 */
@Command(name = "end-to-end-latency.sh", sortOptions = false,
    description = "Measures the time from send to consume, one record at a time.")
public final class EndToEndLatencyTool extends ToolCommand {
    static final long POLL_TIMEOUT_MS = 10_000;


    @Parameters(index = "0", paramLabel = "BROKER_LIST", description = "host:port[,host:port]")
    String brokerList;
    @Parameters(index = "1", paramLabel = "TOPIC", description = "The topic (created with 1 partition if missing).")
    String topic;
    @Parameters(index = "2", paramLabel = "NUM_MESSAGES", description = "How many records to send.")
    int numMessages;
    @Parameters(index = "3", paramLabel = "PRODUCER_ACKS", description = "1 or all.")
    String acks;
    @Parameters(index = "4", paramLabel = "MESSAGE_SIZE_BYTES", description = "The size of each record's value.")
    int messageSize;
    @Parameters(index = "5", arity = "0..1", paramLabel = "PROPERTIES_FILE",
        description = "Client settings for both producer and consumer (optional).")
    Path propertiesFile;

    public static void main(String[] args) {
        ToolRunner.main(new EndToEndLatencyTool(), args);
    }

    void checkArguments() {
        ToolSupport.validateTopic(topic);
        if (!acks.equals("1") && !acks.equals("all") && !acks.equals("-1")) {
            throw new ToolException("Latency testing requires synchronous acknowledgement. Please use 1 or all, not '"
                + acks + "'", ExitCodes.USAGE);
        }
        if (numMessages <= 0) {
            throw new ToolException("NUM_MESSAGES must be positive", ExitCodes.USAGE);
        }
        if (messageSize <= 0) {
            throw new ToolException("MESSAGE_SIZE_BYTES must be positive", ExitCodes.USAGE);
        }
    }

    /** Kafka's summary: {@code Avg latency: X ms} and {@code Percentiles: 50th = a, 99th = b, 99.9th = c}. */
    static List<String> summary(long totalNanos, long[] latenciesMs) {
        long[] sorted = latenciesMs.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return List.of(String.format(Locale.ROOT, "Avg latency: %.4f ms", totalNanos / (double) n / 1_000_000.0),
            String.format(Locale.ROOT, "Percentiles: 50th = %d, 99th = %d, 99.9th = %d", sorted[(int) (n * 0.5)],
                sorted[(int) (n * 0.99)], sorted[(int) (n * 0.999)]));
    }

    @Override
    protected int execute() {
        checkArguments();
        String bootstrap = String.join(",", ToolSupport.parseBootstrap(brokerList));
        Map<String, String> extra = ToolSupport.loadProperties(propertiesFile);
        long waitMs = 30_000;
        int partitions;
        try (SluiceAdmin admin = SluiceAdmin.create(Map.of(ClientConfigs.BOOTSTRAP_SERVERS, bootstrap,
                SluiceAdmin.DEFAULT_API_TIMEOUT_MS, (int) waitMs))) {
            ToolSupport.checkReachable(admin, bootstrap, waitMs);
            if (!ToolSupport.await(admin.listTopics(true), waitMs).contains(topic)) {
                err().println("Topic \"" + topic + "\" does not exist. Will create topic with "
                    + "1 partition(s) and the broker's default replication factor.");
                ToolSupport.await(admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1))), waitMs);
            }
            TopicDescription d = ToolSupport.await(admin.describeTopics(List.of(topic)), waitMs).get(topic);
            partitions = d.partitions().size();
        }
        Map<String, Object> producerConfig = new LinkedHashMap<>(extra);
        producerConfig.put(ClientConfigs.BOOTSTRAP_SERVERS, bootstrap);
        producerConfig.putIfAbsent(ClientConfigs.CLIENT_ID, "end-to-end-latency-producer");
        producerConfig.put(SluiceProducer.ACKS, acks.equals("-1") ? "all" : acks);
        producerConfig.put(SluiceProducer.LINGER_MS, 0L);
        producerConfig.put(SluiceProducer.MAX_BLOCK_MS, waitMs);
        if (acks.equals("1")) {
            producerConfig.put(SluiceProducer.ENABLE_IDEMPOTENCE, "false");
        }
        Map<String, Object> consumerConfig = new LinkedHashMap<>(extra);
        consumerConfig.put(ClientConfigs.BOOTSTRAP_SERVERS, bootstrap);
        consumerConfig.putIfAbsent(ClientConfigs.CLIENT_ID, "end-to-end-latency-consumer");
        consumerConfig.remove(SluiceConsumer.GROUP_ID);
        consumerConfig.put(SluiceConsumer.ENABLE_AUTO_COMMIT, "false");
        consumerConfig.put(SluiceConsumer.AUTO_OFFSET_RESET, "latest");
        consumerConfig.put(SluiceConsumer.FETCH_MAX_WAIT_MS, 0);
        PrintWriter out = out();
        SluiceProducer<byte[], byte[]> producer;
        SluiceConsumer<byte[], byte[]> consumer;
        try {
            producer = SluiceProducer.create(producerConfig, Serdes.byteArraySerializer(), Serdes.byteArraySerializer());
        } catch (ConfigException e) {
            throw new ToolException("Invalid producer configuration: " + e.getMessage(), ExitCodes.USAGE);
        }
        try {
            consumer = SluiceConsumer.create(consumerConfig, Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer());
        } catch (ConfigException e) {
            producer.close();
            throw new ToolException("Invalid consumer configuration: " + e.getMessage(), ExitCodes.USAGE);
        }
        try (producer; consumer) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            for (TopicPartition tp : tps) {
                consumer.position(tp, Duration.ofMillis(waitMs));
            }
            Random random = new Random();
            long totalNanos = 0;
            long[] latencies = new long[numMessages];
            for (int i = 0; i < numMessages; i++) {
                byte[] message = new byte[messageSize];
                for (int b = 0; b < messageSize; b++) {
                    message[b] = (byte) ('a' + random.nextInt(26));
                }
                long begin = System.nanoTime();
                try {
                    producer.send(new ProducerRecord<>(topic, message)).get(waitMs, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new ToolException("No acknowledgement for record " + i + " within " + waitMs + " ms");
                } catch (Exception e) {
                    throw new ToolException("Sending record " + i + " failed: " + ToolSupport.unwrap(e).getMessage());
                }
                ConsumerRecord<byte[], byte[]> read = null;
                int found = 0;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_TIMEOUT_MS);
                while (read == null && System.nanoTime() < deadline) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        found++;
                        read = read == null ? r : read;
                    }
                }
                long elapsed = System.nanoTime() - begin;
                if (read == null) {
                    throw new ToolException("poll() timed out before finding a result (timeout:[" + POLL_TIMEOUT_MS + "])");
                }
                if (!Arrays.equals(read.value(), message)) {
                    throw new ToolException("The message read did not match the message sent (record " + i + ")");
                }
                if (found > 1) {
                    throw new ToolException("Only one result was expected during this test. We found [" + found + "]");
                }
                if (i % 1000 == 0) {
                    out.println(i + "\t" + String.format(Locale.ROOT, "%.3f", elapsed / 1_000_000.0));
                }
                totalNanos += elapsed;
                latencies[i] = TimeUnit.NANOSECONDS.toMillis(elapsed);
            }
            summary(totalNanos, latencies).forEach(out::println);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
