package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/quickstart.sh start|status|stop} end to end: a ZooKeeper and three brokers as background processes
 * under one data folder, the demo topic (6 partitions, RF 3) served to the Kafka client, a second start that only
 * says it runs, and a stop that ends exactly the processes named in the pid files.
 */
class QuickstartIT {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern BOOTSTRAP = Pattern.compile("bootstrap server (\\S+?);");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        pids.forEach(pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly));
    }

    private List<Long> readPids(Path dataDir) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dataDir.resolve("pids"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                out.add(Long.parseLong(Files.readString(f).strip()));
            }
        }
        return out;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void startStatusSecondStartAndStop() throws Exception {
        Path dataDir = dir.resolve("qs");
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        ScriptRun.Result start = ScriptRun.run(cwd, START_TIMEOUT, Map.of(), null, "quickstart.sh", "start",
                "--data-dir", dataDir.toString());
        if (Files.isDirectory(dataDir.resolve("pids"))) {
            pids.addAll(readPids(dataDir));
        }
        assertEquals(0, start.code(), start.describe());
        assertEquals(4, pids.size(), start.describe());
        pids.forEach(pid -> assertTrue(alive(pid), "pid " + pid + " runs"));
        assertTrue(start.out().contains("Created topic quickstart-events."), start.describe());
        assertTrue(start.out().contains("Live brokers: 3"), start.describe());
        assertEquals(6, start.out().lines().filter(l -> l.matches("quickstart-events\\s+[0-5]\\s+[123]\\s+\\d,\\d,\\d\\s+\\S+\\s+ok"))
                .count(), start.describe());
        assertEquals(20, start.out().lines().filter(l -> l.matches("Partition:[0-5]\tsample-key-\\d+\tsample record \\d+"))
                .count(), "the sample records, consumed by console-consumer.sh: " + start.describe());
        assertTrue(start.err().contains("Processed a total of 20 messages"), start.describe());
        List<String> groupLines = start.out().lines()
                .filter(l -> l.matches("quickstart-demo\\s+quickstart-events\\s+[0-5]\\s+\\d+\\s+\\d+\\s+\\d+\\s+.*")).toList();
        assertFalse(groupLines.isEmpty(), "the group's lag, from consumer-groups.sh: " + start.describe());
        assertTrue(start.out().contains("GROUP") && start.out().contains("LAG"), start.describe());
        assertEquals(20, groupLines.stream().mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[3])).sum(),
                "committed offsets add up to the 20 records: " + groupLines);
        groupLines.forEach(l -> assertEquals("0", l.trim().split("\\s+")[5], "no lag: " + l));
        List<String> lines = start.out().lines().toList();
        String use = lines.get(lines.size() - 2);
        String stop = lines.get(lines.size() - 1);
        assertTrue(use.startsWith("Sluice is running: bootstrap server 127.0.0.1:"), start.describe());
        assertTrue(stop.startsWith("Stop it with: bin/quickstart.sh stop"), start.describe());
        Matcher m = BOOTSTRAP.matcher(use);
        assertTrue(m.find(), use);

        try (Admin admin = KafkaClients.admin(m.group(1))) {
            TopicDescription topic = admin.describeTopics(List.of("quickstart-events")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("quickstart-events");
            assertEquals(6, topic.partitions().size());
            topic.partitions().forEach(p -> assertEquals(3, p.replicas().size(), p.toString()));
            assertEquals(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
        }

        ScriptRun.Result status = ScriptRun.run(cwd, "quickstart.sh", "status", "--data-dir", dataDir.toString());
        assertEquals(0, status.code(), status.describe());
        assertEquals(4, status.out().lines().filter(l -> l.contains(": running (pid ")).count(), status.describe());

        ScriptRun.Result second = ScriptRun.run(cwd, "quickstart.sh", "start", "--data-dir", dataDir.toString());
        assertEquals(0, second.code(), second.describe());
        assertTrue(second.out().startsWith("Sluice quickstart is already running in "), second.describe());
        assertEquals(pids.stream().sorted().toList(), readPids(dataDir).stream().sorted().toList(), "no new processes");

        ScriptRun.Result stopped = ScriptRun.run(cwd, "quickstart.sh", "stop", "--data-dir", dataDir.toString());
        assertEquals(0, stopped.code(), stopped.describe());
        assertTrue(stopped.out().contains("Sluice quickstart stopped"), stopped.describe());
        pids.forEach(pid -> assertFalse(alive(pid), "pid " + pid + " is stopped"));

        ScriptRun.Result after = ScriptRun.run(cwd, "quickstart.sh", "status", "--data-dir", dataDir.toString());
        assertEquals(1, after.code(), after.describe());
        assertTrue(after.out().contains("Sluice quickstart is not running"), after.describe());

        ScriptRun.Result bad = ScriptRun.run(cwd, "quickstart.sh", "restart");
        assertEquals(2, bad.code(), bad.describe());
        assertEquals("quickstart.sh: unknown command or option 'restart' (try --help)\n", bad.err());
    }
}
