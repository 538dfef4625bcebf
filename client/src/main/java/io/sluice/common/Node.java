package io.sluice.common;

import java.util.Objects;

/**
 * A broker as clients see it: id, host, port and optional rack. Bootstrap addresses whose broker id is not
 * known yet get negative ids ({@link #isBootstrap()}). Immutable.
 */
public record Node(int id, String host, int port, String rack) {
    public Node {
        Objects.requireNonNull(host, "host");
    }

    public Node(int id, String host, int port) {
        this(id, host, port, null);
    }

    public boolean isBootstrap() {
        return id < 0;
    }

    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return (isBootstrap() ? "bootstrap " : "node " + id + " ") + "(" + address() + ")";
    }
}
