package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.client.ClientConfigs;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.consumer.ConsumerRebalanceListener;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.consumer.SluiceConsumer;
import io.sluice.client.serialization.Serdes;
import io.sluice.common.TopicPartition;
import io.sluice.common.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/consumer-perf.sh}: consumes {@code --messages} records as a group member and prints
 * kafka-consumer-perf-test's CSV summary (or, with {@code --show-detailed-stats}, one CSV line per reporting
 * interval).
 */
@Command(name = "consumer-perf.sh", sortOptions = false, description = "Measures consumer throughput.")
public final class ConsumerPerfTool extends ToolCommand {
    static final String SUMMARY_HEADER = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, "
        + "nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";
    static final String DETAILED_HEADER = "time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, "
        + "nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";


    @Option(names = {"--bootstrap-server", "--broker-list"}, required = true, paramLabel = "HOST:PORT[,HOST:PORT]",
        description = "REQUIRED: the server(s) to connect to.")
    String bootstrapServer;
    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "REQUIRED: the topic to consume.")
    String topic;
    @Option(names = "--messages", required = true, paramLabel = "N", description = "REQUIRED: how many records to consume.")
    long messages;
    @Option(names = "--group", paramLabel = "GROUP", description = "The consumer group (default: perf-consumer-<random>).")
    String group;
    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "10000",
        description = "The longest wait between returned records (default: ${DEFAULT-VALUE}).")
    long timeoutMs;
    @Option(names = "--show-detailed-stats", description = "Print a line per --reporting-interval instead of the summary.")
    boolean showDetailedStats;
    @Option(names = "--reporting-interval", paramLabel = "MS", defaultValue = "5000",
        description = "The interval of the detailed lines (default: ${DEFAULT-VALUE}).")
    long reportingIntervalMs;
    @Option(names = "--date-format", paramLabel = "FORMAT", defaultValue = "yyyy-MM-dd HH:mm:ss:SSS",
        description = "java.text.SimpleDateFormat of the times (default: ${DEFAULT-VALUE}).")
    String dateFormat;
    @Option(names = "--hide-header", description = "Do not print the CSV header.")
    boolean hideHeader;
    @Option(names = "--from-latest", description = "Start at the latest offset when the group has none (default: earliest).")
    boolean fromLatest;
    @Option(names = "--fetch-size", paramLabel = "BYTES", description = "max.partition.fetch.bytes.")
    Integer fetchSize;
    @Option(names = {"--consumer.config", "--command-config"}, paramLabel = "FILE",
        description = "A properties file of consumer settings.")
    Path consumerConfig;

    public static void main(String[] args) {
        ToolRunner.main(new ConsumerPerfTool(), args);
    }

    Map<String, Object> consumerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ClientConfigs.CLIENT_ID, "perf-consumer-client");
        config.putAll(ToolSupport.loadProperties(consumerConfig));
        config.put(ClientConfigs.BOOTSTRAP_SERVERS, String.join(",", ToolSupport.parseBootstrap(bootstrapServer)));
        config.put(SluiceConsumer.GROUP_ID, group != null ? group
            : config.getOrDefault(SluiceConsumer.GROUP_ID, "perf-consumer-" + ThreadLocalRandom.current().nextInt(100_000)));
        config.put(SluiceConsumer.AUTO_OFFSET_RESET, fromLatest ? "latest" : "earliest");
        config.putIfAbsent(SluiceConsumer.ENABLE_AUTO_COMMIT, "false");
        if (fetchSize != null) {
            config.put(SluiceConsumer.MAX_PARTITION_FETCH_BYTES, fetchSize);
        }
        return config;
    }

    /** The figures of one CSV line. */
    record Figures(long bytes, long messages, long elapsedMs, long rebalanceMs) {
        double mb() {
            return bytes / (1024.0 * 1024.0);
        }

        long fetchMs() {
            return elapsedMs - rebalanceMs;
        }

        /** Everything after the time column(s). */
        String tail() {
            double seconds = elapsedMs / 1000.0;
            double fetchSeconds = fetchMs() / 1000.0;
            return String.format(Locale.ROOT, "%.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f", mb(), perSecond(mb(), seconds),
                messages, perSecond(messages, seconds), rebalanceMs, fetchMs(), perSecond(mb(), fetchSeconds),
                perSecond(messages, fetchSeconds));
        }

        private static double perSecond(double amount, double seconds) {
            return seconds <= 0 ? 0.0 : amount / seconds;
        }
    }

    static String summaryLine(SimpleDateFormat format, long startMs, long endMs, Figures f) {
        return format.format(new Date(startMs)) + ", " + format.format(new Date(endMs)) + ", " + f.tail();
    }

    static String detailedLine(SimpleDateFormat format, long nowMs, Figures window) {
        return format.format(new Date(nowMs)) + ", 0, " + window.tail();
    }

    @Override
    protected int execute() {
        ToolSupport.validateTopic(topic);
        if (messages <= 0) {
            throw new ToolException("--messages must be positive", ExitCodes.USAGE);
        }
        if (timeoutMs <= 0 || reportingIntervalMs <= 0) {
            throw new ToolException("--timeout and --reporting-interval must be positive", ExitCodes.USAGE);
        }
        SimpleDateFormat dates;
        try {
            dates = new SimpleDateFormat(dateFormat, Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new ToolException("--date-format: " + e.getMessage(), ExitCodes.USAGE);
        }
        Map<String, Object> config = consumerConfig();
        String bootstrap = (String) config.get(ClientConfigs.BOOTSTRAP_SERVERS);
        long waitMs = Math.min(30_000, timeoutMs);
        try (SluiceAdmin admin = SluiceAdmin.create(Map.of(ClientConfigs.BOOTSTRAP_SERVERS, bootstrap,
                SluiceAdmin.DEFAULT_API_TIMEOUT_MS, (int) waitMs))) {
            ToolSupport.checkReachable(admin, bootstrap, waitMs);
            ToolSupport.requireTopic(admin, topic, waitMs);
        }
        PrintWriter out = out();
        PrintWriter err = err();
        SluiceConsumer<byte[], byte[]> consumer;
        try {
            consumer = SluiceConsumer.create(config, Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer());
        } catch (ConfigException e) {
            throw new ToolException("Invalid consumer configuration: " + e.getMessage(), ExitCodes.USAGE);
        }
        if (!hideHeader) {
            out.println(showDetailedStats ? DETAILED_HEADER : SUMMARY_HEADER);
        }
        long startMs = System.currentTimeMillis();
        long[] rebalanceMs = {0};
        long[] joinStart = {startMs};
        long[] assignedAtMs = {0};
        long count = 0;
        long bytes = 0;
        try (consumer) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    joinStart[0] = System.currentTimeMillis();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    long now = System.currentTimeMillis();
                    rebalanceMs[0] += now - joinStart[0];
                    if (assignedAtMs[0] == 0) {
                        assignedAtMs[0] = now;
                    }
                }
            });
            long lastConsumedMs = System.currentTimeMillis();
            long windowStartMs = startMs;
            long windowCount = 0;
            long windowBytes = 0;
            long windowRebalanceStart = 0;
            while (count < messages) {
                long now = System.currentTimeMillis();
                // the wait between records counts from the group's first assignment; joining may take longer
                boolean timedOut = assignedAtMs[0] == 0 ? now - startMs > Math.max(timeoutMs, 30_000)
                    : now - Math.max(lastConsumedMs, assignedAtMs[0]) > timeoutMs;
                if (timedOut) {
                    err.println("WARNING: Exiting before consuming the expected number of messages: timeout ("
                        + timeoutMs + " ms) exceeded. You can use the --timeout option to increase the timeout.");
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    lastConsumedMs = System.currentTimeMillis();
                    count++;
                    long size = Math.max(0, r.keySize()) + Math.max(0, r.valueSize());
                    bytes += size;
                    windowCount++;
                    windowBytes += size;
                }
                now = System.currentTimeMillis();
                if (showDetailedStats && now - windowStartMs >= reportingIntervalMs) {
                    out.println(detailedLine(dates, now, new Figures(windowBytes, windowCount, now - windowStartMs,
                        rebalanceMs[0] - windowRebalanceStart)));
                    windowStartMs = now;
                    windowCount = 0;
                    windowBytes = 0;
                    windowRebalanceStart = rebalanceMs[0];
                }
            }
        }
        long endMs = System.currentTimeMillis();
        if (!showDetailedStats) {
            out.println(summaryLine(dates, startMs, endMs, new Figures(bytes, count, endMs - startMs, rebalanceMs[0])));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
