package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.client.ClientConfigs;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.producer.ProducerRecord;
import io.sluice.client.producer.RecordMetadata;
import io.sluice.client.producer.SluiceProducer;
import io.sluice.client.serialization.Serdes;
import io.sluice.common.config.ConfigException;
import io.sluice.record.Header;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/console-producer.sh}: sends the lines of stdin to a topic, one record per line, like kafka-console-producer. */
@Command(name = "console-producer.sh", sortOptions = false,
    description = "Reads lines from stdin and sends each as a record to --topic.")
public final class ConsoleProducerTool extends ToolCommand {

    @Option(names = {"--bootstrap-server", "--broker-list"}, required = true, paramLabel = "HOST:PORT[,HOST:PORT]",
        description = "REQUIRED: the server(s) to connect to.")
    String bootstrapServer;
    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "REQUIRED: the topic to send to.")
    String topic;
    @Option(names = {"--property", "--reader-property"}, paramLabel = "KEY=VALUE",
        description = "How lines are read: parse.key, key.separator (default TAB), parse.headers, headers.delimiter, "
            + "headers.separator, headers.key.separator, null.marker, ignore.error; repeatable.")
    List<String> properties;
    @Option(names = "--producer-property", paramLabel = "KEY=VALUE", description = "A producer setting; repeatable.")
    List<String> producerProperties;
    @Option(names = {"--producer.config", "--command-config"}, paramLabel = "FILE", description = "A properties file of producer settings.")
    Path producerConfig;
    @Option(names = "--compression-codec", arity = "0..1", fallbackValue = "gzip", paramLabel = "CODEC",
        description = "none, gzip (when given without a value), snappy, lz4 or zstd.")
    String compressionCodec;
    @Option(names = "--request-required-acks", paramLabel = "ACKS", defaultValue = "-1",
        description = "Acknowledgements: -1/all, 1 or 0 (default: ${DEFAULT-VALUE}).")
    String acks;
    @Option(names = "--sync", description = "Send each line and wait for its acknowledgement before the next.")
    boolean sync;
    @Option(names = "--timeout", paramLabel = "MS", description = "linger.ms: how long a batch waits for more lines (default 1000).")
    Long lingerMs;
    @Option(names = "--batch-size", paramLabel = "BYTES", description = "batch.size.")
    Integer batchSize;
    @Option(names = "--max-block-ms", paramLabel = "MS", defaultValue = "60000",
        description = "How long to wait for the cluster (connection, metadata, buffer space); default ${DEFAULT-VALUE}.")
    long maxBlockMs;

    /** stdin; replaced in tests. */
    InputStream in = System.in;

    public static void main(String[] args) {
        ToolRunner.main(new ConsoleProducerTool(), args);
    }

    /** The settings of the line reader, with Kafka's defaults. */
    record LineFormat(boolean parseKey, String keySeparator, boolean parseHeaders, String headersDelimiter,
                      String headersSeparator, String headersKeySeparator, String nullMarker, boolean ignoreError) {
        static final Set<String> NAMES = Set.of("parse.key", "key.separator", "parse.headers", "headers.delimiter",
            "headers.separator", "headers.key.separator", "null.marker", "ignore.error");

        static LineFormat of(Map<String, String> props) {
            for (String key : props.keySet()) {
                if (!NAMES.contains(key)) {
                    throw new ToolException("--property: unknown reader property '" + key + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(NAMES)) + ")", ExitCodes.USAGE);
                }
            }
            LineFormat f = new LineFormat(bool(props, "parse.key"), nonEmpty(props, "key.separator", "\t"),
                bool(props, "parse.headers"), nonEmpty(props, "headers.delimiter", "\t"),
                nonEmpty(props, "headers.separator", ","), nonEmpty(props, "headers.key.separator", ":"),
                props.get("null.marker"), bool(props, "ignore.error"));
            if (f.nullMarker != null && (f.nullMarker.isEmpty() || f.nullMarker.equals(f.keySeparator)
                || f.nullMarker.equals(f.headersDelimiter) || f.nullMarker.equals(f.headersSeparator)
                || f.nullMarker.equals(f.headersKeySeparator))) {
                throw new ToolException("--property null.marker must be non-empty and differ from every separator",
                    ExitCodes.USAGE);
            }
            return f;
        }

        private static boolean bool(Map<String, String> props, String key) {
            String v = props.getOrDefault(key, "false").trim();
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new ToolException("--property " + key + " must be true or false, not '" + v + "'", ExitCodes.USAGE);
            }
            return Boolean.parseBoolean(v);
        }

        private static String nonEmpty(Map<String, String> props, String key, String dflt) {
            String v = props.getOrDefault(key, dflt);
            if (v.isEmpty()) {
                throw new ToolException("--property " + key + " must not be empty", ExitCodes.USAGE);
            }
            return v;
        }

        /** One line as key, value and headers. */
        Line parse(String line, long lineNumber) {
            String rest = line;
            List<Header> headers = List.of();
            if (parseHeaders) {
                int at = rest.indexOf(headersDelimiter);
                if (at < 0) {
                    if (!ignoreError) {
                        throw new ToolException("No headers delimiter found on line number " + lineNumber + ": '" + line + "'");
                    }
                    return new Line(null, bytes(line), List.of());
                }
                headers = new ArrayList<>();
                for (String h : rest.substring(0, at).split(Pattern.quote(headersSeparator))) {
                    if (h.isEmpty()) {
                        continue;
                    }
                    int k = h.indexOf(headersKeySeparator);
                    if (k < 0) {
                        throw new ToolException("No header key separator found in '" + h + "' on line number " + lineNumber);
                    }
                    String value = h.substring(k + headersKeySeparator.length());
                    headers.add(Header.of(h.substring(0, k), value.equals(nullMarker) ? null : bytes(value)));
                }
                rest = rest.substring(at + headersDelimiter.length());
            }
            byte[] key = null;
            if (parseKey) {
                int at = rest.indexOf(keySeparator);
                if (at < 0) {
                    if (!ignoreError) {
                        throw new ToolException("No key separator found on line number " + lineNumber + ": '" + line + "'");
                    }
                    return new Line(null, bytes(line), headers);
                }
                String k = rest.substring(0, at);
                key = k.equals(nullMarker) ? null : bytes(k);
                rest = rest.substring(at + keySeparator.length());
            }
            return new Line(key, rest.equals(nullMarker) ? null : bytes(rest), headers);
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }

    record Line(byte[] key, byte[] value, List<Header> headers) {
    }

    /** The producer settings: defaults of the tool, then the file, then --producer-property, then the flags. */
    Map<String, Object> producerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(SluiceProducer.LINGER_MS, 1000L);
        config.put(ClientConfigs.CLIENT_ID, "console-producer");
        config.putAll(ToolSupport.loadProperties(producerConfig));
        config.putAll(ToolSupport.keyValues(producerProperties, "--producer-property"));
        config.put(ClientConfigs.BOOTSTRAP_SERVERS, String.join(",", ToolSupport.parseBootstrap(bootstrapServer)));
        String a = acks.trim();
        if (!Set.of("all", "-1", "0", "1").contains(a)) {
            throw new ToolException("--request-required-acks must be -1 (all), 0 or 1, not '" + a + "'", ExitCodes.USAGE);
        }
        config.put(SluiceProducer.ACKS, a.equals("-1") ? "all" : a);
        if (!a.equals("-1") && !a.equals("all")) {
            config.putIfAbsent(SluiceProducer.ENABLE_IDEMPOTENCE, "false");
        }
        if (compressionCodec != null) {
            String c = compressionCodec.trim().toLowerCase(java.util.Locale.ROOT);
            if (!Set.of("none", "gzip", "snappy", "lz4", "zstd").contains(c)) {
                throw new ToolException("--compression-codec must be none, gzip, snappy, lz4 or zstd, not '"
                    + compressionCodec + "'", ExitCodes.USAGE);
            }
            config.put(SluiceProducer.COMPRESSION_TYPE, c);
        }
        if (lingerMs != null) {
            config.put(SluiceProducer.LINGER_MS, lingerMs);
        }
        if (batchSize != null) {
            config.put(SluiceProducer.BATCH_SIZE, batchSize);
        }
        config.put(SluiceProducer.MAX_BLOCK_MS, maxBlockMs);
        return config;
    }

    @Override
    protected int execute() throws IOException {
        PrintWriter err = err();
        ToolSupport.validateTopic(topic);
        LineFormat format = LineFormat.of(ToolSupport.keyValues(properties, "--property"));
        Map<String, Object> config = producerConfig();
        if (maxBlockMs <= 0) {
            throw new ToolException("--max-block-ms must be positive", ExitCodes.USAGE);
        }
        String bootstrap = (String) config.get(ClientConfigs.BOOTSTRAP_SERVERS);
        try (SluiceAdmin admin = SluiceAdmin.create(Map.of(ClientConfigs.BOOTSTRAP_SERVERS, bootstrap,
                SluiceAdmin.DEFAULT_API_TIMEOUT_MS, (int) Math.min(Integer.MAX_VALUE, maxBlockMs)))) {
            ToolSupport.checkReachable(admin, bootstrap, maxBlockMs);
            ToolSupport.requireTopic(admin, topic, maxBlockMs);
        }
        AtomicLong failed = new AtomicLong();
        SluiceProducer<byte[], byte[]> producer;
        try {
            producer = SluiceProducer.create(config, Serdes.byteArraySerializer(), Serdes.byteArraySerializer());
        } catch (ConfigException e) {
            throw new ToolException("Invalid producer configuration: " + e.getMessage(), ExitCodes.USAGE);
        }
        ToolException lineError = null;
        try (producer; BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String text;
            long number = 0;
            while (failed.get() == 0 && (text = reader.readLine()) != null) {
                number++;
                Line line;
                try {
                    line = format.parse(text, number);
                } catch (ToolException e) {
                    lineError = e;
                    break;
                }
                CompletableFuture<RecordMetadata> f = producer.send(new ProducerRecord<>(topic, null, line.key(),
                    line.value(), line.headers(), null), (metadata, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                            err.println("Error when sending message to topic " + topic + ": " + e.getMessage());
                        }
                    });
                if (sync) {
                    try {
                        f.join();
                    } catch (RuntimeException e) {
                        // reported by the callback
                    }
                }
            }
            producer.flush();
        }
        if (lineError != null) {
            throw lineError;
        }
        if (failed.get() > 0) {
            throw new ToolException("Stopped: record(s) could not be sent to topic " + topic);
        }
        return ExitCodes.OK;
    }
}
