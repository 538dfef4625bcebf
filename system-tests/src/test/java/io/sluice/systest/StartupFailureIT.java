package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that cannot start ends quickly with a non-zero exit code and a line that names the cause: an invalid
 * config value, a taken port, a log dir that is a file, an unreachable ZooKeeper, a broker id held by a live broker.
 * The broker is started directly through bin/start-broker.sh (not through {@link BrokerProcess}, which would retry
 * a taken port) and stopped by PID if it does not exit by itself.
 */
class StartupFailureIT {
    private static final Duration EXIT_BOUND = Duration.ofSeconds(30);
    /** A line that reports a failure, rather than e.g. an INFO line that merely mentions the same key. */
    private static final Pattern FAILURE_WORDS = Pattern.compile(
            "(?i)(invalid|fail|cannot|can't|could not|unable|not a |timed? ?out|unreachable|refused|error|in use|"
                    + "exception|already)");

    /** A log line below WARN: not the line that reports the failure. */
    private static final Pattern INFO_LINE = Pattern.compile("^\\[[^\\]]*\\]\\s+(INFO|DEBUG|TRACE)\\s");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static ZooKeeperProcess zk;
    static String chroot;

    @BeforeAll
    static void startZooKeeper() {
        zk = ZooKeeperProcess.start(workDir.resolve("zk"));
        chroot = ZooKeeperProcess.uniqueChroot(StartupFailureIT.class);
    }

    @AfterAll
    static void stopZooKeeper() {
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void anInvalidConfigValueNamesTheKey() throws Exception {
        Failure failure = startExpectingExit("bad-value", Map.of(), Map.of("num.partitions", "abc"), EXIT_BOUND);
        failure.assertLine("num.partitions", line -> line.contains("num.partitions"));
    }

    @Test
    void anInvalidConfigValueInTheFileNamesTheKey() throws Exception {
        Failure failure = startExpectingExit("bad-value-file", Map.of("log.segment.bytes", "lots"), Map.of(),
                EXIT_BOUND);
        failure.assertLine("log.segment.bytes", line -> line.contains("log.segment.bytes"));
    }

    @Test
    void aTakenPortNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(ManagedProcess.LOOPBACK, 0));
            int port = taken.getLocalPort();
            Failure failure = startExpectingExit("port-taken",
                    Map.of("listeners", "PLAINTEXT://127.0.0.1:" + port), Map.of(), EXIT_BOUND);
            failure.assertLine("port " + port, line -> line.contains(Integer.toString(port)));
        }
    }

    @Test
    void aLogDirThatIsAFileNamesTheDirectory() throws Exception {
        Path file = Files.createDirectories(workDir.resolve("log-dir-file")).resolve("not-a-directory");
        Files.writeString(file, "a regular file where the log dir should be\n", StandardCharsets.UTF_8);
        Failure failure = startExpectingExit("log-dir-file", Map.of("log.dirs", file.toString()), Map.of(),
                EXIT_BOUND);
        failure.assertLine(file.toString(), line -> line.contains(file.toString()));
    }

    @Test
    void anUnreachableZooKeeperIsNamed() throws Exception {
        int closedPort = FreePorts.next(); // nothing listens there
        Failure failure = startExpectingExit("zk-unreachable",
                Map.of("zookeeper.connect", "127.0.0.1:" + closedPort + chroot,
                        "zookeeper.connection.timeout.ms", "3000"),
                Map.of(), EXIT_BOUND);
        failure.assertLine("ZooKeeper", line -> line.toLowerCase(Locale.ROOT).contains("zookeeper"));
    }

    @Test
    void aSecondLiveBrokerWithTheSameIdIsRefused() throws Exception {
        try (BrokerProcess first = BrokerProcess.builder(zk, workDir.resolve("broker-5"))
                .brokerId(5)
                .chroot(chroot + "-dup")
                .start()) {
            // The second one waits at most one session timeout for the first one's registration to go away.
            Failure failure = startExpectingExit("broker-5-again",
                    Map.of("broker.id", "5", "zookeeper.connect", first.zookeeperConnect(),
                            "zookeeper.session.timeout.ms", "4000"),
                    Map.of(), EXIT_BOUND);
            failure.assertLine("broker id 5", line -> line.matches("(?i).*(broker|id)\\D{0,20}\\b5\\b.*"));
            assertTrue(first.isAlive(), "the first broker keeps running");
            ApiVersionsProbe.roundTrip(first.port(), Duration.ofSeconds(5));
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** How a start ended: its exit code and its console output. */
    record Failure(String name, int exitCode, String console, long millis) {
        /** Asserts that one line names {@code what} (per {@code names}) and reads as a failure. */
        void assertLine(String what, Predicate<String> names) {
            Optional<String> line = console.lines()
                    .filter(l -> !l.startsWith("==== systest:"))
                    .filter(l -> !l.stripLeading().startsWith("at "))
                    .filter(l -> !INFO_LINE.matcher(l).find())
                    .filter(names)
                    // (the work dir's path contains "Failure": look for failure words outside it)
                    .filter(l -> FAILURE_WORDS.matcher(l.replace(workDir.toString(), "<work dir>")).find())
                    .findFirst();
            assertTrue(line.isPresent(), name + ": no line of the console output names " + what
                    + " as the cause; the output was:\n" + console);
            System.out.printf("StartupFailureIT: %s exited with %d after %d ms: %s%n", name, exitCode, millis,
                    line.get().strip());
        }
    }

    /**
     * Writes server.properties (a free port, a log dir of its own, this class's ZooKeeper, then {@code properties}),
     * starts bin/start-broker.sh with {@code overrides}, and expects the process to exit non-zero within
     * {@code bound}; kills it by PID otherwise.
     */
    private static Failure startExpectingExit(String name, Map<String, String> properties,
                                              Map<String, String> overrides, Duration bound) throws IOException {
        ProjectLayout.requireCoreBuilt();
        Path dir = workDir.resolve(name);
        Files.createDirectories(dir.resolve("logs"));
        Map<String, String> config = new LinkedHashMap<>();
        config.put("broker.id", "0");
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + FreePorts.next());
        config.put("log.dirs", dir.resolve("data").toString());
        config.put("zookeeper.connect", zk.connectString(chroot));
        config.putAll(properties);
        StringBuilder text = new StringBuilder("# Written by StartupFailureIT.\n");
        config.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path serverProperties = dir.resolve("server.properties");
        Files.writeString(serverProperties, text, StandardCharsets.UTF_8);

        List<String> command = new ArrayList<>(List.of(ProjectLayout.script("start-broker.sh").toString(),
                serverProperties.toString()));
        overrides.forEach((k, v) -> {
            command.add("--override");
            command.add(k + "=" + v);
        });
        Path console = dir.resolve("console.log");
        long start = System.nanoTime();
        ManagedProcess process = ManagedProcess.start("broker " + name, command,
                Map.of("SLUICE_LOGS_DIR", dir.resolve("logs").toString(), "SLUICE_HEAP_OPTS", "-Xms64m -Xmx256m"),
                dir, console);
        try {
            long deadline = start + bound.toNanos();
            while (process.isAlive() && System.nanoTime() - deadline < 0) {
                ManagedProcess.pause(Duration.ofMillis(100));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (process.isAlive()) {
                fail(name + ": the broker was still running " + bound + " after its start; it should have exited."
                        + " Last lines of " + console + ":\n" + process.tail(40));
            }
            int exitCode = process.exitCode().orElseThrow();
            String output = Files.readString(console, StandardCharsets.UTF_8);
            assertNotEquals(0, exitCode, name + ": exit code; output:\n" + output);
            assertFalse(ManagedProcess.accepts(portOf(config.get("listeners"))) && !name.equals("port-taken"),
                    name + ": nothing listens on the broker's port after it exited");
            return new Failure(name, exitCode, output, millis);
        } finally {
            process.kill();
        }
    }

    private static int portOf(String listeners) {
        return Integer.parseInt(listeners.substring(listeners.lastIndexOf(':') + 1));
    }
}
