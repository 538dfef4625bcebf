package io.sluice.cli.tools;

import io.sluice.client.ClientConfigs;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.common.ApiException;
import io.sluice.common.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What the client-side tools share: the connection options ({@code --bootstrap-server}, {@code --command-config},
 * {@code --timeout}), {@code --help}/{@code --verbose}, and the run loop that turns a bad command line or a
 * failure into one line on stderr and a non-zero exit code (a stack trace only with {@code --verbose}).
 *
 * <p>Exit codes: 0 success, 1 the operation failed, 2 the command line is wrong.
 */
public final class ToolSupport {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** Kafka's rule for topic names. */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]+");
    static final int MAX_TOPIC_NAME_LENGTH = 249;

    private ToolSupport() {
    }

    /** A failure meant for the user: its message is printed as it is, as the tool's one line. */
    public static final class ToolException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        public ToolException(String message) {
            this(message, FAILED);
        }

        public ToolException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /** {@code --help} and {@code --verbose}; a mixin of every tool. */
    public static final class CommonOptions {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
        boolean help;

        @Option(names = "--verbose", description = "Print the stack trace of a failure.")
        boolean verbose;
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
                throw new ToolException("--timeout must be a positive number of milliseconds, not " + timeoutMs, USAGE);
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
                throw new ToolException("Invalid client configuration: " + e.getMessage(), USAGE);
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

    /** Waits for {@code future}; a failure becomes the exception that caused it (picked up by {@link #run}). */
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
            throw new ToolException("--bootstrap-server needs host:port[,host:port]", USAGE);
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
                throw new ToolException("--bootstrap-server: '" + s + "' is not host:port", USAGE);
            }
            out.add(s);
        }
        return out;
    }

    /** Checks a topic name against Kafka's rules; the message says what is wrong. */
    public static String validateTopic(String name) {
        if (name == null || name.isEmpty()) {
            throw new ToolException("Topic name is empty", USAGE);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new ToolException("Topic name cannot be \".\" or \"..\"", USAGE);
        }
        if (name.length() > MAX_TOPIC_NAME_LENGTH) {
            throw new ToolException("Topic name '" + name + "' is longer than " + MAX_TOPIC_NAME_LENGTH + " characters",
                USAGE);
        }
        if (!TOPIC_NAME.matcher(name).matches()) {
            throw new ToolException("Topic name '" + name + "' is illegal: it may only contain ASCII letters, digits, "
                + "'.', '_' and '-'", USAGE);
        }
        return name;
    }

    /** Parses {@code k=v} (the first '=' splits). */
    public static Map.Entry<String, String> keyValue(String text, String option) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new ToolException(option + ": '" + text + "' is not key=value", USAGE);
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
            throw new ToolException("Cannot read the properties file " + file + ": " + e.getMessage(), USAGE);
        }
        for (String name : p.stringPropertyNames()) {
            out.put(name, p.getProperty(name));
        }
        return out;
    }

    /**
     * Parses {@code args} into {@code command} (a picocli {@code Callable<Integer>}) and runs it. Errors end up as
     * one line on {@code err} prefixed with the tool's name.
     */
    public static int run(String tool, Object command, String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            Throwable cause = ex.getCause() instanceof ToolException t ? t : ex;
            List<String> unmatched = ex.getCommandLine().getUnmatchedArguments();
            String message = !unmatched.isEmpty() && !(cause instanceof ToolException)
                ? (unmatched.get(0).startsWith("-") ? "Unknown option: '" : "Unexpected argument: '") + unmatched.get(0) + "'"
                : cause.getMessage();
            err.println(tool + ": " + oneLine(message) + " (try --help)");
            if (verbose) {
                ex.printStackTrace(err);
            }
            return cause instanceof ToolException t ? t.exitCode() : USAGE;
        });
        cl.setExecutionExceptionHandler((ex, parsed, result) -> {
            Throwable cause = unwrap(ex);
            int code = FAILED;
            String message;
            if (cause instanceof ToolException t) {
                message = t.getMessage();
                code = t.exitCode();
            } else if (cause instanceof ApiException api) {
                message = api.getMessage() + (api.getMessage().contains(api.error().name()) ? "" : " (" + api.error() + ")");
            } else if (cause instanceof ConfigException c) {
                message = "Invalid configuration: " + c.getMessage();
                code = USAGE;
            } else {
                message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
            err.println(tool + ": " + oneLine(message) + (code == USAGE ? " (try --help)" : ""));
            if (verbose) {
                cause.printStackTrace(err);
            }
            return code;
        });
        return cl.execute(args);
    }

    /** Like {@link #run} on stdout/stderr, then exits the JVM with the result. */
    public static void main(String tool, Object command, String[] args) {
        int code = run(tool, command, args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    static String oneLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String s = message.strip();
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /**
     * Formats rows as Kafka's group tool does: every column left-aligned and padded to its widest cell, one
     * space between columns.
     */
    public static List<String> table(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(formatRow(header, widths));
        for (List<String> row : rows) {
            lines.add(formatRow(row, widths));
        }
        return lines;
    }

    private static String formatRow(List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            sb.append(cell);
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(widths[i] - cell.length() + 1));
            }
        }
        return sb.toString();
    }
}
