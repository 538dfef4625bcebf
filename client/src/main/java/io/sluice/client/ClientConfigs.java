package io.sluice.client;

import io.sluice.client.network.NetworkClient;
import io.sluice.common.Node;
import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration keys every Sluice client shares, with Kafka's names and defaults, and the parsing rules:
 * values may be strings or typed objects, and an unknown key is refused with a {@link ConfigException}
 * rather than silently ignored (a setting that looks accepted but does nothing is worse than an error).
 */
public final class ClientConfigs {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String CLIENT_ID = "client.id";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String SOCKET_CONNECTION_SETUP_TIMEOUT_MS = "socket.connection.setup.timeout.ms";
    public static final String RECONNECT_BACKOFF_MS = "reconnect.backoff.ms";
    public static final String RECONNECT_BACKOFF_MAX_MS = "reconnect.backoff.max.ms";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";
    public static final String SECURITY_PROTOCOL = "security.protocol";

    private ClientConfigs() {
    }

    /** A definition holding the shared keys; clients add their own. */
    public static ConfigDef common(int defaultRequestTimeoutMs) {
        return new ConfigDef()
            .define(BOOTSTRAP_SERVERS, ConfigType.LIST, ConfigDef.NO_DEFAULT, ConfigDef.nonEmptyList(),
                "host:port pairs used to find the cluster")
            .define(CLIENT_ID, ConfigType.STRING, "", "Client id sent with every request")
            .define(REQUEST_TIMEOUT_MS, ConfigType.INT, defaultRequestTimeoutMs, ConfigDef.atLeast(1),
                "Time to wait for the response to one request")
            .define(SOCKET_CONNECTION_SETUP_TIMEOUT_MS, ConfigType.LONG, 10_000L, ConfigDef.atLeast(1),
                "Time to open a connection and negotiate versions")
            .define(RECONNECT_BACKOFF_MS, ConfigType.LONG, 50L, ConfigDef.atLeast(0),
                "First wait before reconnecting to a broker after a failure")
            .define(RECONNECT_BACKOFF_MAX_MS, ConfigType.LONG, 1_000L, ConfigDef.atLeast(0),
                "The reconnect backoff doubles up to this")
            .define(RETRY_BACKOFF_MS, ConfigType.LONG, 100L, ConfigDef.atLeast(0),
                "Wait before retrying a failed request")
            .define(METADATA_MAX_AGE_MS, ConfigType.LONG, 300_000L, ConfigDef.atLeast(0),
                "Metadata older than this is refreshed even without errors")
            .define(SECURITY_PROTOCOL, ConfigType.STRING, "PLAINTEXT", ConfigDef.oneOf("PLAINTEXT"),
                "Only PLAINTEXT is supported so far");
    }

    public static Map<String, Object> toMap(Properties props) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            map.put(name, props.getProperty(name));
        }
        for (Map.Entry<Object, Object> e : props.entrySet()) {
            map.putIfAbsent(String.valueOf(e.getKey()), e.getValue());
        }
        return map;
    }

    /** Parses {@code props}, refusing keys {@code def} does not know. */
    public static ConfigDef.Values parse(ConfigDef def, Map<String, ?> props, String clientKind) {
        List<String> unknown = def.unknownKeys(props.keySet());
        if (!unknown.isEmpty()) {
            throw new ConfigException("Unsupported " + clientKind + " configuration " + String.join(", ", unknown)
                + " (Sluice's " + clientKind + " supports: " + String.join(", ", def.names()) + ")");
        }
        ConfigDef.Values values = new ConfigDef.Values(def.parse(props));
        if (values.getLong(RECONNECT_BACKOFF_MAX_MS) < values.getLong(RECONNECT_BACKOFF_MS)) {
            throw new ConfigException(RECONNECT_BACKOFF_MAX_MS, values.getLong(RECONNECT_BACKOFF_MAX_MS),
                "must be at least " + RECONNECT_BACKOFF_MS + " (" + values.getLong(RECONNECT_BACKOFF_MS) + ")");
        }
        bootstrapNodes(values.getList(BOOTSTRAP_SERVERS));
        return values;
    }

    /** The bootstrap addresses as nodes with ids -1, -2, ... */
    public static List<Node> bootstrapNodes(List<String> servers) {
        List<Node> nodes = new ArrayList<>();
        for (String server : servers) {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || colon == server.length() - 1) {
                throw new ConfigException(BOOTSTRAP_SERVERS, server, "expected host:port");
            }
            String host = server.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(server.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(BOOTSTRAP_SERVERS, server, "expected host:port with a numeric port");
            }
            if (port <= 0 || port > 65535) {
                throw new ConfigException(BOOTSTRAP_SERVERS, server, "port out of range");
            }
            nodes.add(new Node(-1 - nodes.size(), host, port));
        }
        return nodes;
    }

    public static NetworkClient.Settings networkSettings(ConfigDef.Values v, String defaultClientIdPrefix,
                                                         int maxInFlight) {
        String clientId = v.getString(CLIENT_ID);
        if (clientId.isEmpty()) {
            clientId = defaultClientIdPrefix + "-" + CLIENT_SEQUENCE.incrementAndGet();
        }
        return new NetworkClient.Settings(clientId, v.getInt(REQUEST_TIMEOUT_MS),
            (int) Math.min(Integer.MAX_VALUE, v.getLong(SOCKET_CONNECTION_SETUP_TIMEOUT_MS)),
            v.getLong(RECONNECT_BACKOFF_MS), v.getLong(RECONNECT_BACKOFF_MAX_MS), maxInFlight, 100 * 1024 * 1024);
    }

    private static final java.util.concurrent.atomic.AtomicInteger CLIENT_SEQUENCE =
        new java.util.concurrent.atomic.AtomicInteger();
}
