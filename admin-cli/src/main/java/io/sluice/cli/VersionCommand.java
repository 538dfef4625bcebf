package io.sluice.cli;

import io.sluice.protocol.ApiKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/** {@code bin/sluice-version.sh}: prints the Sluice version and the Kafka API versions it speaks. */
public final class VersionCommand {
    private VersionCommand() {
    }

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("/sluice-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    static void print(PrintStream out, boolean apis) {
        out.println("Sluice " + version());
        if (apis) {
            for (ApiKey key : ApiKey.values()) {
                out.printf("  %-24s key %2d  versions %s%n", key.title, key.id, key.versions());
            }
        }
    }

    public static void main(String[] args) {
        boolean apis = false;
        for (String arg : args) {
            switch (arg) {
                case "--apis" -> apis = true;
                case "--help", "-h" -> {
                    System.out.println("Usage: sluice-version.sh [--apis]\n  --apis  also list the Kafka APIs and versions Sluice implements");
                    return;
                }
                default -> {
                    System.err.println("sluice-version.sh: unknown option '" + arg + "' (try --help)");
                    System.exit(2);
                }
            }
        }
        print(System.out, apis);
    }
}
