package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolException;
import io.sluice.client.ClientConfigs;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.common.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * What the client-side tools share besides {@link io.sluice.cli.common.ToolCommand}: the connection options
 * ({@code --bootstrap-server}, {@code --command-config}, {@code --timeout}) and the checks and parsers of their
 * arguments. Failures are {@link ToolException}s, which {@link io.sluice.cli.common.ToolRunner} prints as one
 * line on stderr with the exit code.
 */
public final class ToolSupport {
    /** Kafka's rule for topic names. */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]+");
    static final int MAX_TOPIC_NAME_LENGTH = 249;

    private ToolSupport() {
    }

    /** How a tool reaches the cluster; a mixin of the tools that use the admin client. */
    public static final class ConnectionOptions {
        @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT[,HOST:PORT]",
            description = "REQUIRED: the server(s) to connect to.")
        String bootstrapServer;

        @Option(names = "--command-config", paramLabel = "FILE",
            description = "A properties file of client settings (Kafka's names).")
        Path commandConfig;

        @Option(names = "--timeout", paramLabel = "MS", defaultValue = "30000",
            description = "How long to wait for the cluster, per operation (default: ${DEFAULT-VALUE} ms).")
        long timeoutMs;

        public String bootstrapServers() {
            return String.join(",", parseBootstrap(bootstrapServer));
        }

        public long timeoutMs() {
            if (timeoutMs <= 0) {
                throw new ToolException("--timeout must be a positive number of milliseconds, not " + timeoutMs, ExitCodes.USAGE);
            }
            return timeoutMs;
        }

        /** An admin client bounded by {@link #timeoutMs()}, after checking that the cluster answers. */
        public SluiceAdmin admin() {
            Map<String, Object> config = new LinkedHashMap<>(loadProperties(commandConfig));
            config.put(ClientConfigs.BOOTSTRAP_SERVERS, bootstrapServers());
            long timeout = timeoutMs();
            config.putIfAbsent(ClientConfigs.CLIENT_ID, "sluice-tools");
            config.put(SluiceAdmin.DEFAULT_API_TIMEOUT_MS, (int) Math.min(Integer.MAX_VALUE, timeout));
            config.putIfAbsent(ClientConfigs.REQUEST_TIMEOUT_MS, (int) Math.min(timeout, 30_000));
            config.putIfAbsent(ClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS, Math.min(timeout, 10_000L));
            SluiceAdmin admin;
            try {
                admin = SluiceAdmin.create(config);
            } catch (ConfigException e) {
                throw new ToolException("Invalid client configuration: " + e.getMessage(), ExitCodes.USAGE);
            }
            try {
                checkReachable(admin, bootstrapServers(), timeout);
                return admin;
            } catch (RuntimeException e) {
                admin.close();
                throw e;
            }
        }
    }

    /** Fails with a clear line if no broker answers DescribeCluster within {@code timeoutMs}. */
    public static void checkReachable(SluiceAdmin admin, String bootstrap, long timeoutMs) {
        try {
            admin.describeCluster().get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | CompletionException e) {
            Throwable cause = unwrap(e);
            throw new ToolException("Could not reach the cluster at " + bootstrap + " within " + timeoutMs + " ms"
                + (cause instanceof TimeoutException ? "" : " (" + cause.getMessage() + ")"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("Interrupted");
        }
    }

    /**
     * Fails with a clear line if {@code topic} does not exist: Sluice's producer does not auto-create topics, so a
     * producing tool would otherwise wait max.block.ms for metadata.
     */
    public static void requireTopic(SluiceAdmin admin, String topic, long timeoutMs) {
        if (!await(admin.listTopics(true), timeoutMs).contains(topic)) {
            throw new ToolException("Topic '" + topic + "' does not exist (create it first, e.g. with create-topic.sh)");
        }
    }

    /** Waits for {@code future}; a failure becomes the exception that caused it (reported by {@link io.sluice.cli.common.ToolRunner}). */
    public static <T> T await(CompletableFuture<T> future, long timeoutMs) {
        try {
            return future.get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ToolException("No answer from the cluster within " + timeoutMs + " ms");
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("Interrupted");
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Splits and checks {@code host:port[,host:port]}. */
    public static List<String> parseBootstrap(String text) {
        if (text == null || text.isBlank()) {
            throw new ToolException("--bootstrap-server needs host:port[,host:port]", ExitCodes.USAGE);
        }
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String s = part.trim();
            int colon = s.lastIndexOf(':');
            int port = -1;
            if (colon > 0 && colon < s.length() - 1) {
                try {
                    port = Integer.parseInt(s.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65535) {
                throw new ToolException("--bootstrap-server: '" + s + "' is not host:port", ExitCodes.USAGE);
            }
            out.add(s);
        }
        return out;
    }

    /** Checks a topic name against Kafka's rules; the message says what is wrong. */
    public static String validateTopic(String name) {
        if (name == null || name.isEmpty()) {
            throw new ToolException("Topic name is empty", ExitCodes.USAGE);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new ToolException("Topic name cannot be \".\" or \"..\"", ExitCodes.USAGE);
        }
        if (name.length() > MAX_TOPIC_NAME_LENGTH) {
            throw new ToolException("Topic name '" + name + "' is longer than " + MAX_TOPIC_NAME_LENGTH + " characters",
                ExitCodes.USAGE);
        }
        if (!TOPIC_NAME.matcher(name).matches()) {
            throw new ToolException("Topic name '" + name + "' is illegal: it may only contain ASCII letters, digits, "
                + "'.', '_' and '-'", ExitCodes.USAGE);
        }
        return name;
    }

    /** Parses {@code k=v} (the first '=' splits). */
    public static Map.Entry<String, String> keyValue(String text, String option) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new ToolException(option + ": '" + text + "' is not key=value", ExitCodes.USAGE);
        }
        return Map.entry(text.substring(0, eq).trim(), text.substring(eq + 1));
    }

    /** Parses repeated {@code k=v} options into a map, in order. */
    public static Map<String, String> keyValues(List<String> items, String option) {
        Map<String, String> out = new LinkedHashMap<>();
        if (items != null) {
            for (String item : items) {
                Map.Entry<String, String> e = keyValue(item, option);
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** A properties file as a map; an empty map for null. */
    public static Map<String, String> loadProperties(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (file == null) {
            return out;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new ToolException("Cannot read the properties file " + file + ": " + e.getMessage(), ExitCodes.USAGE);
        }
        for (String name : p.stringPropertyNames()) {
            out.put(name, p.getProperty(name));
        }
        return out;
    }
}
