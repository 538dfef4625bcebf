package io.sluice.coordinator.zk;

import java.util.Map;
import java.util.Optional;
import org.apache.curator.utils.PathUtils;

/**
 * The ZooKeeper connection settings, under Kafka's key names.
 *
 * <ul>
 *   <li>{@value #CONNECT}: {@code host:port[,host:port...][/chroot]}; the chroot is created if missing.</li>
 *   <li>{@value #SESSION_TIMEOUT_MS}: default {@value #DEFAULT_SESSION_TIMEOUT_MS}. The server clamps it to
 *       [2, 20] ticks.</li>
 *   <li>{@value #CONNECTION_TIMEOUT_MS}: how long to wait for a connection; defaults to the session timeout.</li>
 * </ul>
 */
public record ZooKeeperConfig(String connect, int sessionTimeoutMs, int connectionTimeoutMs) {
    public static final String CONNECT = "zookeeper.connect";
    public static final String SESSION_TIMEOUT_MS = "zookeeper.session.timeout.ms";
    public static final String CONNECTION_TIMEOUT_MS = "zookeeper.connection.timeout.ms";
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 18000;

    public ZooKeeperConfig {
        if (connect == null || connect.isBlank()) {
            throw new IllegalArgumentException(CONNECT + " must not be empty");
        }
        connect = connect.strip();
        if (sessionTimeoutMs <= 0) {
            throw new IllegalArgumentException(SESSION_TIMEOUT_MS + " must be > 0, got " + sessionTimeoutMs);
        }
        if (connectionTimeoutMs <= 0) {
            throw new IllegalArgumentException(CONNECTION_TIMEOUT_MS + " must be > 0, got " + connectionTimeoutMs);
        }
        int slash = connect.indexOf('/');
        if (slash == 0) {
            throw new IllegalArgumentException(CONNECT + " '" + connect + "' has no host:port before the chroot");
        }
        if (slash > 0) {
            String chroot = trimTrailingSlashes(connect.substring(slash));
            if (!chroot.isEmpty()) {
                try {
                    PathUtils.validatePath(chroot);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                        CONNECT + " '" + connect + "' has an invalid chroot: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Defaults for everything but the connect string. */
    public static ZooKeeperConfig of(String connect) {
        return new ZooKeeperConfig(connect, DEFAULT_SESSION_TIMEOUT_MS, DEFAULT_SESSION_TIMEOUT_MS);
    }

    /** Reads the three keys from broker properties; a bad value fails with the key and the value. */
    public static ZooKeeperConfig fromProperties(Map<String, String> props) {
        String connect = props.get(CONNECT);
        if (connect == null || connect.isBlank()) {
            throw new IllegalArgumentException("Missing required configuration " + CONNECT);
        }
        int session = intValue(props, SESSION_TIMEOUT_MS, DEFAULT_SESSION_TIMEOUT_MS);
        int connection = intValue(props, CONNECTION_TIMEOUT_MS, session);
        return new ZooKeeperConfig(connect, session, connection);
    }

    /** The host list without the chroot. */
    public String hosts() {
        int slash = connect.indexOf('/');
        return slash < 0 ? connect : connect.substring(0, slash);
    }

    /** The chroot, e.g. {@code /sluice}, or empty if the connect string has none (or just {@code /}). */
    public Optional<String> chroot() {
        int slash = connect.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String chroot = trimTrailingSlashes(connect.substring(slash));
        return chroot.isEmpty() ? Optional.empty() : Optional.of(chroot);
    }

    /** The connect string ZooKeeper should see: hosts plus the normalised chroot. */
    public String normalizedConnect() {
        return hosts() + chroot().orElse("");
    }

    private static String trimTrailingSlashes(String path) {
        String p = path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static int intValue(Map<String, String> props, String key, int defaultValue) {
        String value = props.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed <= 0) {
                throw new IllegalArgumentException("Invalid value '" + value + "' for " + key + ": must be > 0");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + key + ": not an integer", e);
        }
    }
}
