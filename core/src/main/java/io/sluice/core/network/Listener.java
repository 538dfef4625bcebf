package io.sluice.core.network;

import io.sluice.common.config.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One entry of {@code listeners}/{@code advertised.listeners}: {@code NAME://host:port}. An empty host means
 * every interface; port 0 means an ephemeral port chosen at bind time.
 */
public record Listener(String name, String host, int port) {

    public static List<Listener> parseList(String key, String value) {
        List<Listener> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String item : value.split(",")) {
            String t = item.trim();
            if (t.isEmpty()) {
                continue;
            }
            Listener l = parse(key, t);
            if (!names.add(l.name)) {
                throw new ConfigException(key, value, "listener name " + l.name + " appears twice");
            }
            out.add(l);
        }
        if (out.isEmpty()) {
            throw new ConfigException(key, value, "at least one listener NAME://host:port is required");
        }
        return List.copyOf(out);
    }

    public static Listener parse(String key, String text) {
        int sep = text.indexOf("://");
        if (sep <= 0) {
            throw new ConfigException(key, text, "expected NAME://host:port");
        }
        String name = text.substring(0, sep).toUpperCase(Locale.ROOT);
        String rest = text.substring(sep + 3);
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(key, text, "expected NAME://host:port (the port is missing)");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, text, "the port must be a number");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, text, "the port must be between 0 and 65535");
        }
        if (!name.matches("[A-Z0-9_]+")) {
            throw new ConfigException(key, text, "listener names use letters, digits and '_'");
        }
        return new Listener(name, host, port);
    }

    public Listener withPort(int boundPort) {
        return new Listener(name, host, boundPort);
    }

    @Override
    public String toString() {
        return name + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
