package io.sluice.systest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Sluice broker as its own process, started through {@code bin/start-broker.sh <server.properties>
 * [--override k=v]...} and listening on {@code PLAINTEXT://127.0.0.1:<free port>}. It is ready once the port
 * accepts connections and a Kafka ApiVersions round trip succeeds. {@link #restart()} keeps the port, the
 * config and the log dirs. Close it (try-with-resources or {@code @AfterAll}) to stop it by PID.
 *
 * <pre>{@code
 * BrokerProcess broker = BrokerProcess.builder(zk, workDir.resolve("broker-0"))
 *         .brokerId(0)
 *         .chroot(chroot)                      // shared by every broker of one cluster, unique per test class
 *         .property("num.partitions", "3")     // written to server.properties
 *         .override("log.segment.bytes", "1048576") // passed as --override
 *         .start();
 * }</pre>
 *
 * Files under the broker's directory: {@code server.properties}, {@code data/} (log.dirs), {@code logs/}
 * (SLUICE_LOGS_DIR: server.log, state-change.log) and {@code console.log} (stdout and stderr of every start).
 */
public final class BrokerProcess implements AutoCloseable {
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final int TAIL_LINES = 60;

    private final int brokerId;
    private final Path dir;
    private final String zkConnect;
    private final Map<String, String> properties;
    private final Map<String, String> overrides;
    private final Map<String, String> env;
    private final Duration startTimeout;
    private final int port;
    private ManagedProcess process;

    private BrokerProcess(Builder b, int port) {
        this.brokerId = b.brokerId;
        this.dir = b.dir;
        this.zkConnect = b.zk.connectString(b.chroot);
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.overrides));
        this.env = Map.copyOf(b.env);
        this.startTimeout = b.startTimeout;
        this.port = port;
    }

    /** A broker of the cluster whose ZooKeeper (server or ensemble) is {@code zk}, with its files under {@code dir}. */
    public static Builder builder(ZooKeeperEndpoint zk, Path dir) {
        return new Builder(zk, dir);
    }

    public int brokerId() {
        return brokerId;
    }

    public String host() {
        return ManagedProcess.LOOPBACK.getHostAddress();
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, for the clients' bootstrap.servers. */
    public String bootstrapServers() {
        return host() + ":" + port;
    }

    /** The zookeeper.connect the broker was given, chroot included. */
    public String zookeeperConnect() {
        return zkConnect;
    }

    public Path dir() {
        return dir;
    }

    /** The broker's only log dir (log.dirs). */
    public Path logDir() {
        return dir.resolve("data");
    }

    public Path serverProperties() {
        return dir.resolve("server.properties");
    }

    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    /** The broker's own log file, in SLUICE_LOGS_DIR. */
    public Path serverLog() {
        return dir.resolve("logs/server.log");
    }

    public long pid() {
        if (process == null) {
            throw new IllegalStateException("broker " + brokerId + " was never started");
        }
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The last {@code lines} lines of {@link #consoleLog()}, for failure messages. */
    public String consoleTail(int lines) {
        return ManagedProcess.tail(consoleLog(), lines);
    }

    /** Starts the broker again (after {@link #stop()} or {@link #kill()}) on the same port with the same files. */
    public void start() {
        if (isAlive()) {
            throw new IllegalStateException("broker " + brokerId + " is already running (pid " + pid() + ")");
        }
        launch();
    }

    /**
     * SIGTERM (a clean shutdown), waits up to {@link #STOP_GRACE}, then SIGKILL. Returns true if the broker exited
     * by itself within the grace period. Idempotent.
     */
    public boolean stop() {
        return process == null || process.stop(STOP_GRACE);
    }

    /** SIGKILL ({@link ProcessHandle#destroyForcibly()}), and waits until the process is gone. */
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** {@link #stop()} if running, then {@link #start()}: same port, config and log dirs. */
    public void restart() {
        stop();
        launch();
    }

    /** Exit code of the last run, once it has ended. */
    public Integer exitCode() {
        return process == null ? null : process.exitCode().isPresent() ? process.exitCode().getAsInt() : null;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "Broker[" + brokerId + " at " + bootstrapServers() + (process != null ? ", pid " + process.pid() : "")
                + "]";
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(ProjectLayout.script("start-broker.sh").toString());
        command.add(serverProperties().toString());
        overrides.forEach((k, v) -> {
            command.add("--override");
            command.add(k + "=" + v);
        });
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SLUICE_LOGS_DIR", dir.resolve("logs").toString());
        environment.put("SLUICE_HEAP_OPTS", "-Xms64m -Xmx512m");
        environment.putAll(env);
        process = ManagedProcess.start("broker " + brokerId + " on port " + port, command, environment, dir,
                consoleLog());
        try {
            awaitReady();
        } catch (RuntimeException e) {
            process.kill();
            throw e;
        }
    }

    private void awaitReady() {
        long start = System.nanoTime();
        long deadline = start + startTimeout.toNanos();
        String lastProbe = "not probed yet";
        while (true) {
            if (!process.isAlive()) {
                String tail = process.tail(TAIL_LINES);
                String message = "broker " + brokerId + " did not start: the process " + process.describeExit()
                        + " after " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms (" + this
                        + ", config " + serverProperties() + "); last lines of " + consoleLog() + ":\n" + tail;
                if (ManagedProcess.looksLikeBindFailure(tail)) {
                    throw new ManagedProcess.PortTakenException(message);
                }
                throw new IllegalStateException(message);
            }
            if (ManagedProcess.accepts(port)) {
                try {
                    ApiVersionsProbe.roundTrip(port, PROBE_TIMEOUT);
                    return;
                } catch (IOException e) {
                    lastProbe = "port accepts connections, ApiVersions failed: " + e.getMessage();
                }
            } else {
                lastProbe = "port does not accept connections";
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("broker " + brokerId + " did not start within " + startTimeout
                        + " (" + this + "; " + lastProbe + "); last lines of " + consoleLog() + ":\n"
                        + process.tail(TAIL_LINES));
            }
            ManagedProcess.pause(POLL);
        }
    }

    private void writeConfig() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("broker.id", Integer.toString(brokerId));
        all.put("listeners", "PLAINTEXT://" + host() + ":" + port);
        all.put("log.dirs", logDir().toString());
        all.put("zookeeper.connect", zkConnect);
        all.putAll(properties);
        StringBuilder text = new StringBuilder("# Written by the Sluice system-test harness.\n");
        all.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            Files.createDirectories(logDir());
            Files.createDirectories(dir.resolve("logs"));
            Files.writeString(serverProperties(), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + serverProperties(), e);
        }
    }

    /** Configures one broker; {@link #start()} launches it and waits until it answers. */
    public static final class Builder {
        private final ZooKeeperEndpoint zk;
        private final Path dir;
        private int brokerId = 0;
        private String chroot;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;

        private Builder(ZooKeeperEndpoint zk, Path dir) {
            this.zk = Objects.requireNonNull(zk, "zk");
            this.dir = dir.toAbsolutePath();
        }

        public Builder brokerId(int brokerId) {
            this.brokerId = brokerId;
            return this;
        }

        /** The ZooKeeper chroot of the cluster, e.g. {@link ZooKeeperProcess#uniqueChroot(Class)}. Required. */
        public Builder chroot(String chroot) {
            this.chroot = chroot;
            return this;
        }

        /** A line of server.properties, or a replacement for one of the harness's (never listeners or broker.id). */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** A {@code --override key=value} argument of bin/start-broker.sh. */
        public Builder override(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** An environment variable of the broker process, e.g. SLUICE_HEAP_OPTS. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Picks a free port, writes server.properties, starts the broker and waits until it answers ApiVersions;
         * a start that loses its port to another program is retried on a new port. On failure the process is
         * killed and the exception carries the tail of its console log.
         */
        public BrokerProcess start() {
            if (chroot == null) {
                throw new IllegalStateException("set a chroot: each test class owns its own, e.g. "
                        + "ZooKeeperProcess.uniqueChroot(getClass())");
            }
            ProjectLayout.requireCoreBuilt();
            ManagedProcess.PortTakenException last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                BrokerProcess broker = new BrokerProcess(this, FreePorts.next());
                broker.writeConfig();
                try {
                    broker.launch();
                    return broker;
                } catch (ManagedProcess.PortTakenException e) {
                    last = e;
                }
            }
            throw new IllegalStateException("broker " + brokerId + " did not start: its port was taken "
                    + START_ATTEMPTS + " times in a row", last);
        }
    }
}
