package io.sluice.core.server;

import io.sluice.common.Time;
import io.sluice.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code bin/start-broker.sh CONFIG [--override key=value]...}: runs one broker in the foreground until
 * SIGTERM/SIGINT, which shuts it down cleanly. A start-up failure prints one line naming the cause and exits 1.
 */
public final class BrokerMain {
    private static final Logger log = LogManager.getLogger(BrokerMain.class);

    private BrokerMain() {
    }

    public static void main(String[] args) {
        BrokerConfig config;
        try {
            config = parse(args);
        } catch (UsageException e) {
            System.err.println("start-broker.sh: " + e.getMessage());
            System.err.println("Usage: start-broker.sh CONFIG [--override key=value]...");
            System.exit(2);
            return;
        } catch (ConfigException e) {
            System.err.println("start-broker.sh: " + e.getMessage());
            System.exit(1);
            return;
        } catch (Exception e) {
            System.err.println("start-broker.sh: cannot read the configuration: " + e.getMessage());
            System.exit(1);
            return;
        }
        BrokerServer server = new BrokerServer(config, Time.SYSTEM);
        Thread hook = new Thread(() -> {
            log.info("Shutting down broker {} (signal)", config.brokerId());
            server.close();
            LogManager.shutdown();
        }, "shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.startup();
        } catch (Exception e) {
            String message = rootMessage(e);
            log.error("Broker {} failed to start: {}", config.brokerId(), message, e);
            System.err.println("start-broker.sh: broker " + config.brokerId() + " failed to start: " + message);
            Runtime.getRuntime().halt(1);
        }
        try {
            server.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (message == null) {
                message = t.getMessage();
            }
        }
        return message != null ? message : e.toString();
    }

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static BrokerConfig parse(String[] args) throws Exception {
        if (args.length == 0) {
            throw new UsageException("missing the configuration file");
        }
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--override")) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--override needs key=value");
                }
                String kv = args[++i];
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("--override needs key=value, got '" + kv + "'");
                }
                overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            } else if (arg.startsWith("--")) {
                throw new UsageException("unknown option " + arg);
            } else if (file == null) {
                file = Path.of(arg);
            } else {
                throw new UsageException("unexpected argument " + arg);
            }
        }
        if (file == null) {
            throw new UsageException("missing the configuration file");
        }
        if (!Files.isReadable(file)) {
            throw new UsageException("cannot read configuration file " + file);
        }
        return BrokerConfig.load(file, overrides);
    }
}
