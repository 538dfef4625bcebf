package io.sluice.lag;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The lag monitor's configuration: the HTTP endpoint and one {@link ClusterConfig} per cluster. From a properties
 * file:
 * <pre>
 * http.host=0.0.0.0                  # default 0.0.0.0
 * http.port=8000                     # required
 * http.delete.enabled=false          # allow DELETE /v3/kafka/:cluster/consumer/:group
 * clusters=local,other               # the names; then per name:
 * cluster.local.bootstrap.servers=localhost:9092
 * cluster.local.offset.refresh.ms=10000
 * cluster.local.window.size=10
 * cluster.local.group.include=^app-  # regex, unanchored like Burrow's whitelist; default all
 * cluster.local.group.exclude=-test$ # regex; default none
 * cluster.local.group.expiry.ms=604800000
 * cluster.local.history.size=360
 * </pre>
 * or from the command line: {@code --bootstrap-server B [--cluster-name local] --http-port P [--http-host H]
 * [--offset-refresh-ms N] [--window-size N] [--enable-delete]}.
 */
public record MonitorConfig(String httpHost, int httpPort, boolean deleteEnabled, List<ClusterConfig> clusters) {
    public MonitorConfig {
        clusters = List.copyOf(clusters);
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("No cluster configured");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("Not a port number: " + httpPort);
        }
    }

    public static MonitorConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return fromProperties(p);
    }

    public static MonitorConfig fromProperties(Properties p) {
        List<ClusterConfig> clusters = new ArrayList<>();
        for (String name : list(required(p, "clusters"))) {
            String prefix = "cluster." + name + ".";
            clusters.add(new ClusterConfig(name, list(required(p, prefix + "bootstrap.servers")),
                longValue(p, prefix + "offset.refresh.ms", ClusterConfig.DEFAULT_OFFSET_REFRESH_MS),
                (int) longValue(p, prefix + "window.size", ClusterConfig.DEFAULT_WINDOW_SIZE),
                pattern(p, prefix + "group.include"), pattern(p, prefix + "group.exclude"),
                longValue(p, prefix + "group.expiry.ms", ClusterConfig.DEFAULT_GROUP_EXPIRY_MS),
                (int) longValue(p, prefix + "history.size", ClusterConfig.DEFAULT_HISTORY_SIZE)));
        }
        return new MonitorConfig(p.getProperty("http.host", "0.0.0.0").trim(),
            (int) longValue(p, "http.port", -1), Boolean.parseBoolean(p.getProperty("http.delete.enabled", "false")
            .trim()), clusters);
    }

    /** Parses the command-line form; throws IllegalArgumentException with a message fit for the user. */
    public static MonitorConfig fromArgs(String[] args) {
        Properties p = new Properties();
        String name = "local";
        p.setProperty("http.host", "0.0.0.0");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--enable-delete" -> p.setProperty("http.delete.enabled", "true");
                case "--bootstrap-server", "--cluster-name", "--http-port", "--http-host", "--offset-refresh-ms",
                     "--window-size" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    String value = args[++i];
                    switch (arg) {
                        case "--bootstrap-server" -> p.setProperty("bootstrap", value);
                        case "--cluster-name" -> name = value;
                        case "--http-port" -> p.setProperty("http.port", value);
                        case "--http-host" -> p.setProperty("http.host", value);
                        case "--offset-refresh-ms" -> p.setProperty("refresh", value);
                        default -> p.setProperty("window", value);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        if (p.getProperty("bootstrap") == null || p.getProperty("http.port") == null) {
            throw new IllegalArgumentException("--bootstrap-server and --http-port are required");
        }
        p.setProperty("clusters", name);
        p.setProperty("cluster." + name + ".bootstrap.servers", p.getProperty("bootstrap"));
        if (p.getProperty("refresh") != null) {
            p.setProperty("cluster." + name + ".offset.refresh.ms", p.getProperty("refresh"));
        }
        if (p.getProperty("window") != null) {
            p.setProperty("cluster." + name + ".window.size", p.getProperty("window"));
        }
        return fromProperties(p);
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("Missing setting " + key);
        }
        return v.trim();
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static long longValue(Properties p, String key, long defaultValue) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            if (defaultValue < 0) {
                throw new IllegalArgumentException("Missing setting " + key);
            }
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: '" + v.trim() + "'");
        }
    }

    private static Pattern pattern(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Pattern.compile(v.trim());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(key + " is not a regular expression: " + e.getDescription());
        }
    }
}
