package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.client.ClientConfigs;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.client.producer.SluiceProducer;
import io.sluice.client.serialization.Serdes;
import io.sluice.common.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/producer-perf.sh}: sends {@code --num-records} records of {@code --record-size} bytes at up to
 * {@code --throughput} records/s and prints Kafka's perf-test lines: a window line every 5 s and a summary with
 * latency percentiles.
 */
@Command(name = "producer-perf.sh", sortOptions = false, description = "Measures producer throughput and latency.")
public final class ProducerPerfTool extends ToolCommand {
    static final long WINDOW_MS = 5_000;
    /** At most this many latencies are kept for the percentiles (every n-th record). */
    static final int MAX_SAMPLES = 500_000;


    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "REQUIRED: the topic to produce to.")
    String topic;
    @Option(names = "--num-records", required = true, paramLabel = "N", description = "REQUIRED: how many records to send.")
    long numRecords;
    @Option(names = "--record-size", required = true, paramLabel = "BYTES", description = "REQUIRED: the size of each record's value.")
    int recordSize;
    @Option(names = "--throughput", required = true, paramLabel = "N",
        description = "REQUIRED: at most N records/s; -1 for no limit.")
    double throughput;
    @Option(names = "--producer-props", arity = "1..*", paramLabel = "KEY=VALUE",
        description = "Producer settings, e.g. bootstrap.servers=host:port acks=1.")
    List<String> producerProps;
    @Option(names = "--producer.config", paramLabel = "FILE", description = "A properties file of producer settings.")
    Path producerConfig;
    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,HOST:PORT]",
        description = "The server(s) to connect to (instead of bootstrap.servers in --producer-props).")
    String bootstrapServer;

    public static void main(String[] args) {
        ToolRunner.main(new ProducerPerfTool(), args);
    }

    Map<String, Object> producerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ClientConfigs.CLIENT_ID, "perf-producer");
        config.putAll(ToolSupport.loadProperties(producerConfig));
        config.putAll(ToolSupport.keyValues(producerProps, "--producer-props"));
        if (bootstrapServer != null) {
            config.put(ClientConfigs.BOOTSTRAP_SERVERS, bootstrapServer);
        }
        Object servers = config.get(ClientConfigs.BOOTSTRAP_SERVERS);
        if (servers == null) {
            throw new ToolException("No bootstrap.servers: give --bootstrap-server, or bootstrap.servers in "
                + "--producer-props or --producer.config", ExitCodes.USAGE);
        }
        config.put(ClientConfigs.BOOTSTRAP_SERVERS, String.join(",", ToolSupport.parseBootstrap(servers.toString())));
        Object acks = config.get(SluiceProducer.ACKS);
        if (acks != null && !acks.toString().equals("all") && !acks.toString().equals("-1")) {
            config.putIfAbsent(SluiceProducer.ENABLE_IDEMPOTENCE, "false");
        }
        return config;
    }

    @Override
    protected int execute() {
        PrintWriter out = out();
        ToolSupport.validateTopic(topic);
        if (numRecords < 1) {
            throw new ToolException("--num-records must be at least 1", ExitCodes.USAGE);
        }
        if (recordSize < 0) {
            throw new ToolException("--record-size must not be negative", ExitCodes.USAGE);
        }
        if (throughput == 0) {
            throw new ToolException("--throughput must be positive, or -1 for no limit", ExitCodes.USAGE);
        }
        Map<String, Object> config = producerConfig();
        String bootstrap = (String) config.get(ClientConfigs.BOOTSTRAP_SERVERS);
        long maxBlock = Long.parseLong(config.getOrDefault(SluiceProducer.MAX_BLOCK_MS, "60000").toString());
        try (SluiceAdmin admin = SluiceAdmin.create(Map.of(ClientConfigs.BOOTSTRAP_SERVERS, bootstrap,
                SluiceAdmin.DEFAULT_API_TIMEOUT_MS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBlock))))) {
            ToolSupport.checkReachable(admin, bootstrap, maxBlock);
            ToolSupport.requireTopic(admin, topic, maxBlock);
        }
        SluiceProducer<byte[], byte[]> producer;
        try {
            producer = SluiceProducer.create(config, Serdes.byteArraySerializer(), Serdes.byteArraySerializer());
        } catch (ConfigException e) {
            throw new ToolException("Invalid producer configuration: " + e.getMessage(), ExitCodes.USAGE);
        }
        byte[] payload = new byte[recordSize];
        Random random = new Random();
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('A' + random.nextInt(26));
        }
        Stats stats = new Stats(numRecords, WINDOW_MS, out);
        AtomicLong failures = new AtomicLong();
        long startNs = System.nanoTime();
        try (producer) {
            for (long i = 0; i < numRecords && failures.get() == 0; i++) {
                if (throughput > 0) {
                    long dueNs = startNs + (long) (i * 1e9 / throughput);
                    long waitNs = dueNs - System.nanoTime();
                    if (waitNs > 0) {
                        TimeUnit.NANOSECONDS.sleep(waitNs);
                    }
                }
                long sendNs = System.nanoTime();
                long index = i;
                producer.send(new ProducerRecord<>(topic, payload), (metadata, e) -> {
                    if (e != null) {
                        if (failures.getAndIncrement() == 0) {
                            err().println("producer-perf.sh: a send failed: " + e.getMessage());
                        }
                    } else {
                        stats.record(index, (int) ((System.nanoTime() - sendNs) / 1_000_000), recordSize);
                    }
                });
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("Interrupted");
        }
        out.println(stats.summary());
        if (failures.get() > 0) {
            throw new ToolException("Stopped after a failed send (" + failures.get() + " record(s) failed)");
        }
        return ExitCodes.OK;
    }

    /** Counts, windows and latency samples; {@link #record} is called on the producer's I/O thread. */
    static final class Stats {
        private final long startMs = System.currentTimeMillis();
        private final int sampleEvery;
        private final int[] samples;
        private final long windowMs;
        private final PrintWriter out;
        private int sampleCount;
        private long count;
        private long bytes;
        private long totalLatency;
        private int maxLatency;
        private long windowStart = startMs;
        private long windowCount;
        private long windowBytes;
        private long windowTotalLatency;
        private int windowMaxLatency;

        Stats(long numRecords, long windowMs, PrintWriter out) {
            this.sampleEvery = (int) Math.max(1, numRecords / MAX_SAMPLES);
            this.samples = new int[(int) Math.min(MAX_SAMPLES + 1, numRecords / sampleEvery + 1)];
            this.windowMs = windowMs;
            this.out = out;
        }

        synchronized void record(long index, int latencyMs, int size) {
            count++;
            bytes += size;
            totalLatency += latencyMs;
            maxLatency = Math.max(maxLatency, latencyMs);
            windowCount++;
            windowBytes += size;
            windowTotalLatency += latencyMs;
            windowMaxLatency = Math.max(windowMaxLatency, latencyMs);
            if (index % sampleEvery == 0 && sampleCount < samples.length) {
                samples[sampleCount++] = latencyMs;
            }
            long now = System.currentTimeMillis();
            if (now - windowStart >= windowMs) {
                out.println(windowLine(windowCount, now - windowStart, windowBytes, windowTotalLatency, windowMaxLatency));
                windowStart = now;
                windowCount = 0;
                windowBytes = 0;
                windowTotalLatency = 0;
                windowMaxLatency = 0;
            }
        }

        synchronized String summary() {
            long elapsed = Math.max(1, System.currentTimeMillis() - startMs);
            int[] sorted = Arrays.copyOf(samples, sampleCount);
            Arrays.sort(sorted);
            return summaryLine(count, elapsed, bytes, totalLatency, maxLatency, sorted);
        }
    }

    /** {@code N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency.} */
    static String windowLine(long count, long elapsedMs, long bytes, long totalLatency, int maxLatency) {
        double seconds = Math.max(1, elapsedMs) / 1000.0;
        return String.format(Locale.ROOT, "%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, "
                + "%.1f ms max latency.", count, count / seconds, bytes / 1024.0 / 1024.0 / seconds,
            count == 0 ? 0.0 : (double) totalLatency / count, (double) maxLatency);
    }

    /** The final line: the window line's figures over the whole run, then the 50th, 95th, 99th and 99.9th percentiles. */
    static String summaryLine(long count, long elapsedMs, long bytes, long totalLatency, int maxLatency, int[] sorted) {
        double seconds = Math.max(1, elapsedMs) / 1000.0;
        return String.format(Locale.ROOT, "%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, "
                + "%.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.", count, count / seconds,
            bytes / 1024.0 / 1024.0 / seconds, count == 0 ? 0.0 : (double) totalLatency / count, (double) maxLatency,
            percentile(sorted, 0.5), percentile(sorted, 0.95), percentile(sorted, 0.99), percentile(sorted, 0.999));
    }

    /** The value at rank {@code p} of sorted samples (0 when there are none). */
    static int percentile(int[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[index];
    }
}
