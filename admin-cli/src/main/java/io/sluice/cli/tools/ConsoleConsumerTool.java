package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.client.ClientConfigs;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.consumer.ConsumerRecords;
import io.sluice.client.consumer.OffsetAndMetadata;
import io.sluice.client.consumer.SluiceConsumer;
import io.sluice.client.consumer.WakeupException;
import io.sluice.client.serialization.Serdes;
import io.sluice.common.TopicPartition;
import io.sluice.common.config.ConfigException;
import io.sluice.record.Header;
import io.sluice.record.TimestampType;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/console-consumer.sh}: prints the records of a topic, one per line, like kafka-console-consumer. Without
 * {@code --group} it reads every partition (or {@code --partition}) without a group; with one it joins the group and
 * commits what it printed. Ends after {@code --max-messages}, after {@code --timeout-ms} without a record, or on
 * SIGTERM/Ctrl-C, then prints {@code Processed a total of N messages} on stderr.
 */
@Command(name = "console-consumer.sh", sortOptions = false, description = "Prints the records of a topic to stdout.")
public final class ConsoleConsumerTool extends ToolCommand {

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT[,HOST:PORT]",
        description = "REQUIRED: the server(s) to connect to.")
    String bootstrapServer;
    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "REQUIRED: the topic to read.")
    String topic;
    @Option(names = "--group", paramLabel = "GROUP", description = "Read as a member of this consumer group.")
    String group;
    @Option(names = "--from-beginning",
        description = "Start at the earliest offset when there is no committed offset (default: the latest).")
    boolean fromBeginning;
    @Option(names = "--partition", paramLabel = "P", description = "Read only this partition (not with --group).")
    Integer partition;
    @Option(names = "--offset", paramLabel = "OFFSET", description = "earliest, latest (default) or an offset; needs --partition.")
    String offset;
    @Option(names = "--max-messages", paramLabel = "N", description = "Stop after N records.")
    Long maxMessages;
    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Stop after MS ms without a record.")
    Long timeoutMs;
    @Option(names = {"--property", "--formatter-property"}, paramLabel = "KEY=VALUE",
        description = "How records are printed: print.timestamp, print.key, print.partition, print.offset, "
            + "print.headers, print.value, key.separator, line.separator, headers.separator, null.literal; repeatable.")
    List<String> properties;
    @Option(names = {"--consumer-property", "--command-property"}, paramLabel = "KEY=VALUE",
        description = "A consumer setting (Kafka's names); repeatable.")
    List<String> consumerProperties;
    @Option(names = {"--consumer.config", "--command-config"}, paramLabel = "FILE",
        description = "A properties file of consumer settings.")
    Path consumerConfig;

    public static void main(String[] args) {
        ToolRunner.main(new ConsoleConsumerTool(), args);
    }

    /** Kafka's default message formatter: the chosen fields joined by key.separator, then line.separator. */
    record Format(boolean timestamp, boolean key, boolean partition, boolean offset, boolean headers, boolean value,
                  String keySeparator, String lineSeparator, String headersSeparator, String nullLiteral) {
        static final Set<String> NAMES = Set.of("print.timestamp", "print.key", "print.partition", "print.offset",
            "print.headers", "print.value", "key.separator", "line.separator", "headers.separator", "null.literal");

        static Format of(Map<String, String> props) {
            for (String name : props.keySet()) {
                if (!NAMES.contains(name)) {
                    throw new ToolException("--property: unknown formatter property '" + name + "' (known: "
                        + String.join(", ", new TreeSet<>(NAMES)) + ")", ExitCodes.USAGE);
                }
            }
            return new Format(bool(props, "print.timestamp", false), bool(props, "print.key", false),
                bool(props, "print.partition", false), bool(props, "print.offset", false),
                bool(props, "print.headers", false), bool(props, "print.value", true),
                unescape(props.getOrDefault("key.separator", "\t")), unescape(props.getOrDefault("line.separator", "\n")),
                unescape(props.getOrDefault("headers.separator", ",")), props.getOrDefault("null.literal", "null"));
        }

        private static boolean bool(Map<String, String> props, String name, boolean dflt) {
            String v = props.getOrDefault(name, Boolean.toString(dflt)).trim();
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new ToolException("--property " + name + " must be true or false, not '" + v + "'", ExitCodes.USAGE);
            }
            return Boolean.parseBoolean(v);
        }

        /** Lets a shell user write \t and \n for tab and newline in separators. */
        static String unescape(String s) {
            return s.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r");
        }

        String format(ConsumerRecord<byte[], byte[]> r) {
            StringBuilder sb = new StringBuilder();
            boolean[] fields = {timestamp, partition, offset, headers, key, value};
            for (int i = 0; i < fields.length; i++) {
                if (!fields[i]) {
                    continue;
                }
                if (anyBefore(fields, i)) {
                    sb.append(keySeparator);
                }
                sb.append(switch (i) {
                    case 0 -> r.timestamp() < 0 ? "NO_TIMESTAMP" : timestampType(r.timestampType()) + ":" + r.timestamp();
                    case 1 -> "Partition:" + r.partition();
                    case 2 -> "Offset:" + r.offset();
                    case 3 -> headers(r.headers());
                    case 4 -> text(r.key());
                    default -> text(r.value());
                });
            }
            return sb.append(lineSeparator).toString();
        }

        private static boolean anyBefore(boolean[] fields, int i) {
            for (int j = 0; j < i; j++) {
                if (fields[j]) {
                    return true;
                }
            }
            return false;
        }

        private static String timestampType(TimestampType type) {
            return type == TimestampType.LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime";
        }

        private String headers(List<Header> hs) {
            if (hs.isEmpty()) {
                return "NO_HEADERS";
            }
            StringBuilder sb = new StringBuilder();
            for (Header h : hs) {
                if (sb.length() > 0) {
                    sb.append(headersSeparator);
                }
                sb.append(h.key()).append(':').append(text(h.value() == null ? null : h.valueBytes()));
            }
            return sb.toString();
        }

        private String text(byte[] bytes) {
            return bytes == null ? nullLiteral : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Where reading starts when not from a group's committed offset: earliest, latest, or an offset. */
    static long parseOffset(String text) {
        if (text == null || text.equalsIgnoreCase("latest")) {
            return -1;
        }
        if (text.equalsIgnoreCase("earliest")) {
            return -2;
        }
        try {
            long o = Long.parseLong(text.trim());
            if (o < 0) {
                throw new NumberFormatException();
            }
            return o;
        } catch (NumberFormatException e) {
            throw new ToolException("--offset must be earliest, latest or a non-negative offset, not '" + text + "'",
                ExitCodes.USAGE);
        }
    }

    /** Checks the flags that only make sense together; returns the start offset (-1 latest, -2 earliest). */
    long checkFlags() {
        ToolSupport.validateTopic(topic);
        if (offset != null && partition == null) {
            throw new ToolException("--offset needs --partition", ExitCodes.USAGE);
        }
        if (offset != null && fromBeginning) {
            throw new ToolException("--offset and --from-beginning cannot be used together", ExitCodes.USAGE);
        }
        if (group != null && partition != null) {
            throw new ToolException("--group and --partition cannot be used together", ExitCodes.USAGE);
        }
        if (group != null && group.isBlank()) {
            throw new ToolException("--group must not be empty", ExitCodes.USAGE);
        }
        if (partition != null && partition < 0) {
            throw new ToolException("--partition must not be negative", ExitCodes.USAGE);
        }
        if (maxMessages != null && maxMessages <= 0) {
            throw new ToolException("--max-messages must be positive", ExitCodes.USAGE);
        }
        if (timeoutMs != null && timeoutMs <= 0) {
            throw new ToolException("--timeout-ms must be positive", ExitCodes.USAGE);
        }
        long start = parseOffset(offset);
        return fromBeginning ? -2 : start;
    }

    Map<String, Object> consumerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ClientConfigs.CLIENT_ID, "console-consumer");
        config.putAll(ToolSupport.loadProperties(consumerConfig));
        config.putAll(ToolSupport.keyValues(consumerProperties, "--consumer-property"));
        Object configuredGroup = config.get(SluiceConsumer.GROUP_ID);
        if (group != null && configuredGroup != null && !group.equals(configuredGroup.toString())) {
            throw new ToolException("--group '" + group + "' differs from group.id '" + configuredGroup
                + "' in the consumer settings", ExitCodes.USAGE);
        }
        if (group != null) {
            config.put(SluiceConsumer.GROUP_ID, group);
        }
        config.put(ClientConfigs.BOOTSTRAP_SERVERS, String.join(",", ToolSupport.parseBootstrap(bootstrapServer)));
        config.put(SluiceConsumer.ENABLE_AUTO_COMMIT, "false");
        config.put(SluiceConsumer.AUTO_OFFSET_RESET, fromBeginning ? "earliest" : "latest");
        return config;
    }

    @Override
    protected int execute() throws Exception {
        long start = checkFlags();
        Format format = Format.of(ToolSupport.keyValues(properties, "--property"));
        Map<String, Object> config = consumerConfig();
        boolean useGroup = config.containsKey(SluiceConsumer.GROUP_ID) && partition == null;
        String bootstrap = (String) config.get(ClientConfigs.BOOTSTRAP_SERVERS);
        // the cluster must answer within --timeout-ms too, at most 30 s
        long waitMs = timeoutMs == null ? 30_000 : Math.min(30_000, timeoutMs);
        int partitionCount;
        try (SluiceAdmin admin = SluiceAdmin.create(Map.of(ClientConfigs.BOOTSTRAP_SERVERS, bootstrap,
                SluiceAdmin.DEFAULT_API_TIMEOUT_MS, (int) waitMs))) {
            ToolSupport.checkReachable(admin, bootstrap, waitMs);
            ToolSupport.requireTopic(admin, topic, waitMs);
            TopicDescription d = ToolSupport.await(admin.describeTopics(List.of(topic)), waitMs).get(topic);
            partitionCount = d.partitions().size();
        }
        if (partition != null && partition >= partitionCount) {
            throw new ToolException("Topic '" + topic + "' has no partition " + partition + " (it has "
                + partitionCount + ")", ExitCodes.USAGE);
        }
        SluiceConsumer<byte[], byte[]> consumer;
        try {
            consumer = SluiceConsumer.create(config, Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer());
        } catch (ConfigException e) {
            throw new ToolException("Invalid consumer configuration: " + e.getMessage(), ExitCodes.USAGE);
        }
        PrintWriter out = out();
        PrintWriter err = err();
        AtomicBoolean finished = new AtomicBoolean();
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (!finished.get()) {
                consumer.wakeup();
                try {
                    closed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "console-consumer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long count = 0;
        try (consumer) {
            if (useGroup) {
                consumer.subscribe(List.of(topic));
            } else {
                List<TopicPartition> tps = new java.util.ArrayList<>();
                for (int p = 0; p < partitionCount; p++) {
                    if (partition == null || partition == p) {
                        tps.add(new TopicPartition(topic, p));
                    }
                }
                consumer.assign(tps);
                if (start == -2) {
                    consumer.seekToBeginning(tps);
                } else if (start == -1) {
                    consumer.seekToEnd(tps);
                } else {
                    consumer.seek(tps.get(0), start);
                }
            }
            long lastRecordAt = System.nanoTime();
            Map<TopicPartition, OffsetAndMetadata> processed = new LinkedHashMap<>();
            try {
                while (maxMessages == null || count < maxMessages) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(
                        timeoutMs == null ? 1000 : Math.max(1, Math.min(1000, timeoutMs))));
                    if (records.isEmpty()) {
                        if (timeoutMs != null && System.nanoTime() - lastRecordAt >= TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                            break;
                        }
                        continue;
                    }
                    lastRecordAt = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (maxMessages != null && count >= maxMessages) {
                            break;
                        }
                        out.print(format.format(r));
                        count++;
                        processed.put(r.topicPartition(), new OffsetAndMetadata(r.offset() + 1));
                    }
                    out.flush();
                    if (useGroup && !processed.isEmpty()) {
                        consumer.commitSync(processed);
                        processed.clear();
                    }
                }
            } catch (WakeupException e) {
                // SIGTERM or Ctrl-C: stop cleanly
                if (useGroup && !processed.isEmpty()) {
                    try {
                        consumer.commitSync(processed);
                    } catch (RuntimeException ignored) {
                        // best effort while stopping
                    }
                }
            }
        } finally {
            out.flush();
            err.println("Processed a total of " + count + " messages");
            err.flush();
            finished.set(true);
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and returns now
            }
        }
        return ExitCodes.OK;
    }
}
