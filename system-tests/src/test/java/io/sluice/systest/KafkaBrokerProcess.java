package io.sluice.systest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Apache Kafka 3.9 broker in ZooKeeper mode, as its own process: {@code java -cp
 * 'system-tests/target/apache-kafka-lib/*' kafka.Kafka server.properties}, listening on
 * {@code PLAINTEXT://127.0.0.1:<free port>}. The jars are copied there by the {@code system-tests/apache-kafka}
 * module, so Kafka's broker and its dependencies (kafka-clients 3.9, ZooKeeper 3.8) are never on a classpath of
 * the project's own code or tests. Used as the second broker that Sluice's own client is tested against.
 *
 * <p>Ready once the log says {@code started (kafka.server.KafkaServer)} and an ApiVersions round trip succeeds.
 * Stopped by its PID (SIGTERM, then SIGKILL). Files under its directory: {@code server.properties}, {@code
 * log4j.properties}, {@code data/} (log.dirs), {@code logs/server.log} and {@code console.log}.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final String STARTED_LINE = "started (kafka.server.KafkaServer)";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final int START_ATTEMPTS = 3;
    private static final int TAIL_LINES = 60;

    private final int brokerId;
    private final Path dir;
    private final String zkConnect;
    private final Map<String, String> extra;
    private final int port;
    private ManagedProcess process;

    private KafkaBrokerProcess(int brokerId, Path dir, String zkConnect, Map<String, String> extra, int port) {
        this.brokerId = brokerId;
        this.dir = dir.toAbsolutePath();
        this.zkConnect = zkConnect;
        this.extra = Map.copyOf(extra);
        this.port = port;
    }

    /** Where the system-tests build put Kafka's jars (module system-tests/apache-kafka). */
    public static Path libDir() {
        return ProjectLayout.root().resolve("system-tests/target/apache-kafka-lib");
    }

    /**
     * Starts broker {@code brokerId} on a free port with its files under {@code dir}, registered in ZooKeeper
     * under {@code zk.connectString(chroot)}, and waits until it serves requests; {@code extra} adds or replaces
     * server.properties lines. A start that loses its port to another program is retried on a new port.
     */
    public static KafkaBrokerProcess start(ZooKeeperEndpoint zk, String chroot, int brokerId, Path dir,
                                           Map<String, String> extra) {
        requireLib();
        ManagedProcess.PortTakenException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            KafkaBrokerProcess broker = new KafkaBrokerProcess(brokerId, dir, zk.connectString(chroot), extra,
                    FreePorts.next());
            try {
                broker.launch();
                return broker;
            } catch (ManagedProcess.PortTakenException e) {
                last = e;
            }
        }
        throw new IllegalStateException("Kafka broker " + brokerId + " did not start: its port was taken "
                + START_ATTEMPTS + " times in a row", last);
    }

    public int brokerId() {
        return brokerId;
    }

    public int port() {
        return port;
    }

    public String bootstrapServers() {
        return ManagedProcess.LOOPBACK.getHostAddress() + ":" + port;
    }

    public Path serverLog() {
        return dir.resolve("logs/server.log");
    }

    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, up to {@link #STOP_GRACE}, then SIGKILL. True if it exited by itself. Idempotent. */
    public boolean stop() {
        return process == null || process.stop(STOP_GRACE);
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + brokerId + " at " + bootstrapServers()
                + (process != null ? ", pid " + process.pid() : "") + "]";
    }

    private static void requireLib() {
        Path lib = libDir();
        boolean present;
        try (var files = Files.list(lib)) {
            present = files.anyMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            present = false;
        }
        if (!present) {
            throw new IllegalStateException("Apache Kafka's jars are missing from " + lib + ": build the module "
                    + "system-tests/apache-kafka (e.g. mvn -pl system-tests -am verify)");
        }
    }

    private void launch() {
        writeConfig();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx512m", "-Xms64m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dlog4j.configuration=" + dir.resolve("log4j.properties").toUri(),
                "-cp", libDir().toAbsolutePath() + "/*", "kafka.Kafka", dir.resolve("server.properties").toString());
        process = ManagedProcess.start("Kafka broker " + brokerId + " on port " + port, command, Map.of(), dir,
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
        long deadline = start + START_TIMEOUT.toNanos();
        String state = "not started yet";
        while (true) {
            if (!process.isAlive()) {
                String tail = ManagedProcess.tail(serverLog(), TAIL_LINES) + "\n" + process.tail(TAIL_LINES);
                String message = "Kafka broker " + brokerId + " did not start: the process " + process.describeExit()
                        + "; last lines of " + serverLog() + " and " + consoleLog() + ":\n" + tail;
                if (ManagedProcess.looksLikeBindFailure(tail)) {
                    throw new ManagedProcess.PortTakenException(message);
                }
                throw new IllegalStateException(message);
            }
            if (ManagedProcess.tail(serverLog(), 400).contains(STARTED_LINE)) {
                try {
                    ApiVersionsProbe.roundTrip(port, PROBE_TIMEOUT);
                    System.out.printf("systest: %s started in %d ms%n", this,
                            Duration.ofNanos(System.nanoTime() - start).toMillis());
                    return;
                } catch (IOException e) {
                    state = "logged '" + STARTED_LINE + "', ApiVersions failed: " + e.getMessage();
                }
            } else {
                state = "no '" + STARTED_LINE + "' line in " + serverLog() + " yet";
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Kafka broker " + brokerId + " did not start within " + START_TIMEOUT
                        + " (" + state + "); last lines of " + serverLog() + ":\n"
                        + ManagedProcess.tail(serverLog(), TAIL_LINES));
            }
            ManagedProcess.pause(POLL);
        }
    }

    private void writeConfig() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("broker.id", Integer.toString(brokerId));
        all.put("listeners", "PLAINTEXT://" + ManagedProcess.LOOPBACK.getHostAddress() + ":" + port);
        all.put("advertised.listeners", "PLAINTEXT://" + ManagedProcess.LOOPBACK.getHostAddress() + ":" + port);
        all.put("log.dirs", dir.resolve("data").toString());
        all.put("zookeeper.connect", zkConnect);
        all.put("zookeeper.connection.timeout.ms", "18000");
        all.put("num.network.threads", "2");
        all.put("num.io.threads", "4");
        all.put("num.partitions", "1");
        all.put("num.recovery.threads.per.data.dir", "1");
        all.put("offsets.topic.replication.factor", "1");
        all.put("offsets.topic.num.partitions", "5");
        all.put("transaction.state.log.replication.factor", "1");
        all.put("transaction.state.log.min.isr", "1");
        all.put("group.initial.rebalance.delay.ms", "0");
        all.put("auto.create.topics.enable", "true");
        all.put("delete.topic.enable", "true");
        // Tests write records with fixed timestamps years in the past; Kafka's time retention (7 days, first check
        // 30 s after start) would delete them mid-test. No retention runs during a test.
        all.put("log.retention.ms", "-1");
        all.put("log.retention.check.interval.ms", "3600000");
        all.put("log.initial.task.delay.ms", "3600000");
        all.putAll(extra);
        StringBuilder text = new StringBuilder("# Written by the Sluice system-test harness (Apache Kafka peer).\n");
        all.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        String log4j = String.join("\n",
                "log4j.rootLogger=INFO, file",
                "log4j.appender.file=org.apache.log4j.FileAppender",
                "log4j.appender.file.File=" + serverLog(),
                "log4j.appender.file.Append=true",
                "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
                "log4j.logger.kafka.request.logger=WARN",
                "log4j.logger.org.apache.zookeeper=WARN",
                "");
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("logs"));
            Files.deleteIfExists(serverLog());
            Files.writeString(dir.resolve("server.properties"), text, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("log4j.properties"), log4j, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration of " + this, e);
        }
    }
}
