package io.sluice.systest.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A group member in a process of its own, so a test can SIGKILL it. It subscribes to one topic and, in a loop,
 * polls, "processes" each record by writing it to the output file, and then commits the batch with commitSync.
 * Output lines (flushed before the commit, so a commit never covers an unwritten record):
 * <pre>
 *   A 0,1        partitions assigned (the callback's list)
 *   V 0,1        partitions revoked or lost
 *   R 3 117      record of partition 3 at offset 117 processed
 *   C 3 118      commitSync returned: partition 3 committed at 118 (the next offset to read)
 *   F reason     a commit failed
 * </pre>
 * Arguments: {@code bootstrapServers groupId topic outputFile sessionTimeoutMs clientId}. Runs until killed.
 */
public final class GroupConsumerMain {
    private GroupConsumerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 6) {
            System.err.println("usage: GroupConsumerMain bootstrapServers groupId topic outputFile sessionTimeoutMs clientId");
            System.exit(2);
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, args[5]);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.parseInt(args[4]));
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            "org.apache.kafka.clients.consumer.RangeAssignor");
        String topic = args[2];
        Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[3]), StandardCharsets.UTF_8));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                 new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit(consumer, processed, out);
                    line(out, "V " + numbers(partitions));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    line(out, "A " + numbers(partitions));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    processed.keySet().removeAll(partitions);
                    line(out, "V " + numbers(partitions));
                }
            });
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    out.println("R " + r.partition() + " " + r.offset());
                    processed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                out.flush();
                commit(consumer, processed, out);
            }
        }
    }

    private static void commit(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> processed,
                               PrintWriter out) {
        if (processed.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(processed);
            processed.forEach((tp, o) -> out.println("C " + tp.partition() + " " + o.offset()));
        } catch (org.apache.kafka.common.errors.RebalanceInProgressException e) {
            out.println("F " + e.getClass().getSimpleName() + " (retried after the next poll)");
            out.flush();
            return;
        } catch (RuntimeException e) {
            out.println("F " + e);
        }
        processed.clear();
        out.flush();
    }

    private static void line(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    private static String numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(tp -> Integer.toString(tp.partition())).sorted().collect(Collectors.joining(","));
    }
}
