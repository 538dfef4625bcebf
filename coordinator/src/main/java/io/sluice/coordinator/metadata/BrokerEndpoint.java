package io.sluice.coordinator.metadata;

import java.util.Objects;

/**
 * One listener a broker advertises, e.g. {@code PLAINTEXT://10.0.0.1:9092} with security protocol
 * {@code PLAINTEXT}. {@code host} may be empty (Kafka's "bind to all interfaces" listener).
 */
public record BrokerEndpoint(String listenerName, String host, int port, String securityProtocol) {
    public BrokerEndpoint {
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(securityProtocol, "securityProtocol");
        if (listenerName.isEmpty()) {
            throw new IllegalArgumentException("Listener name must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port " + port + " of listener " + listenerName + " is outside [0, 65535]");
        }
    }

    /** Kafka's connection string: {@code LISTENER://host:port}, with an IPv6 host in brackets. */
    public String connectionString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return listenerName + "://" + h + ":" + port;
    }

    /**
     * Parses {@link #connectionString()}.
     *
     * @throws IllegalArgumentException if it is not {@code NAME://host:port}
     */
    public static BrokerEndpoint parse(String connectionString, String securityProtocol) {
        int sep = connectionString.indexOf("://");
        int colon = connectionString.lastIndexOf(':');
        if (sep <= 0 || colon <= sep + 2) {
            throw new IllegalArgumentException("Not a listener endpoint (NAME://host:port): '" + connectionString + "'");
        }
        String listener = connectionString.substring(0, sep);
        String host = connectionString.substring(sep + 3, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(connectionString.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Bad port in listener endpoint '" + connectionString + "'", e);
        }
        return new BrokerEndpoint(listener, host, port, securityProtocol == null ? listener : securityProtocol);
    }
}
