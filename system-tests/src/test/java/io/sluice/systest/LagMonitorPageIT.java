package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lag monitor's web page in a real headless browser (Debian's {@code chromium}): a real cluster with one group
 * that has consumed everything (OK) and one that committed once while lagging and stopped (ERR, its partition
 * STOP), the monitor run by {@code bin/lag-monitor.sh}, and chromium loading the page with {@code --dump-dom}: the
 * cluster and both groups are shown with their status text and class. One screenshot is kept in
 * {@code system-tests/target/lag-monitor-page.png} for a look.
 *
 * <p>Without chromium the test fails when the environment variable {@code CI} is set ({@code .ci/run} installs
 * it), and is skipped with a message otherwise.
 */
class LagMonitorPageIT {
    private static final String TOPIC = "page-orders";
    private static final String OK_GROUP = "page-ok";
    private static final String STUCK_GROUP = "page-stuck";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static Path chromium;
    static SingleBrokerCluster cluster;
    static LagMonitorProcess monitor;

    @BeforeAll
    static void start() throws Exception {
        chromium = chromium();
        if (chromium == null) {
            return;     // the test skips itself with the message
        }
        cluster = SingleBrokerCluster.start(workDir, LagMonitorPageIT.class);
        try (Admin admin = KafkaClients.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, ("r" + i).getBytes())).get(30, TimeUnit.SECONDS);
            }
        }
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        for (Map.Entry<String, Long> commit : Map.of(OK_GROUP, 10L, STUCK_GROUP, 3L).entrySet()) {
            try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, commit.getKey()))) {
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(commit.getValue())), Duration.ofSeconds(30));
            }
        }
        monitor = LagMonitorProcess.start(workDir.resolve("monitor"), cluster.bootstrapServers(), 500, 3);
        AtomicReference<String> last = new AtomicReference<>();
        Await.until(WAIT, () -> {
            JsonNode ok = monitor.lag(OK_GROUP);
            JsonNode stuck = monitor.lag(STUCK_GROUP);
            last.set(ok + "\n" + stuck);
            return ok.get("status").asText().equals("OK") && stuck.get("status").asText().equals("ERR");
        }, () -> "the API shows " + OK_GROUP + " OK and " + STUCK_GROUP + " ERR: " + last.get());
    }

    @AfterAll
    static void stop() {
        try {
            if (monitor != null) {
                monitor.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static final String NO_CHROMIUM = "chromium is not installed: the lag monitor's page test needs "
        + "Debian's chromium (apt-get install -y chromium; .ci/run installs it)";

    /** Debian's chromium on the PATH; fails under CI without it, else null (the test then skips). */
    private static Path chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty()) {
            fail(NO_CHROMIUM + " - failing because CI=" + ci);
        }
        System.out.println("LagMonitorPageIT: " + NO_CHROMIUM + " - skipped because CI is not set");
        return null;
    }

    /** Runs headless chromium with {@code args} and the page's URL; returns its stdout. */
    private static String browse(Path chromium, String name, List<String> args) throws Exception {
        Path dir = Files.createDirectories(workDir.resolve(name));
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
            "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run",
            "--disable-extensions", "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=10000"));
        command.addAll(args);
        command.add(monitor.url("/"));
        Path out = dir.resolve("stdout.html");
        Path err = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
            .redirectError(err.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(BROWSER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
            fail("chromium did not finish within " + BROWSER_TIMEOUT + ": " + command + "\n" + tail(err));
        }
        // chromium leaves helper processes (zygote, crashpad) behind at times: end those it started.
        process.descendants().forEach(ProcessHandle::destroy);
        assertEquals(0, process.exitValue(), "chromium " + command + " failed:\n" + tail(err));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String tail(Path file) throws IOException {
        return ManagedProcess.tail(file, 30);
    }

    /** The element of the group {@code group}: from its {@code <details>} tag to the matching close tag. */
    private static Optional<String> groupElement(String dom, String group) {
        Matcher m = Pattern.compile("<details\\b[^>]*\\bdata-group=\"" + Pattern.quote(group) + "\"[^>]*>")
            .matcher(dom);
        if (!m.find()) {
            return Optional.empty();
        }
        int end = dom.indexOf("</details>", m.end());
        return Optional.of(dom.substring(m.start(), end < 0 ? dom.length() : end));
    }

    private static String attribute(String tag, String name) {
        Matcher m = Pattern.compile("\\b" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(tag.substring(0,
            tag.indexOf('>') + 1));
        return m.find() ? m.group(1) : null;
    }

    @Test
    void thePageShowsTheRunningClustersGroupsWithTheirStatus() throws Exception {
        Assumptions.assumeTrue(chromium != null, NO_CHROMIUM + " - skipped because CI is not set");
        String dom = browse(chromium, "dump-dom", List.of("--dump-dom"));
        assertTrue(dom.contains("data-cluster=\"local\""), "the page shows cluster local:\n" + dom);
        assertTrue(dom.contains("Cluster local"), dom);

        String ok = groupElement(dom, OK_GROUP).orElseThrow(() -> new AssertionError(OK_GROUP + " not shown:\n" + dom));
        assertEquals("OK", attribute(ok, "data-status"), ok);
        assertTrue(ok.contains("<span class=\"badge OK\" data-status=\"OK\">OK</span>"),
            "the group's badge says OK with class OK: " + ok);

        String stuck = groupElement(dom, STUCK_GROUP)
            .orElseThrow(() -> new AssertionError(STUCK_GROUP + " not shown:\n" + dom));
        assertEquals("ERR", attribute(stuck, "data-status"), stuck);
        assertTrue(stuck.contains("<span class=\"badge ERR\" data-status=\"ERR\">ERR</span>"),
            "the group's badge says ERR with class ERR: " + stuck);
        assertTrue(stuck.contains("<span class=\"badge STOP\" data-status=\"STOP\">STOP</span>"),
            "its partition row says STOP: " + stuck);
        assertTrue(stuck.contains("total lag 7, 1 partition<"), "the group's total lag: " + stuck);
        assertEquals("", attribute(stuck, "open"), "a group that is not OK starts open: " + stuck);
        assertEquals(null, attribute(ok, "open"), "an OK group starts closed: " + ok);
        assertTrue(stuck.contains("class=\"lag-chart\""), "the group's lag chart: " + stuck);
        assertTrue(dom.contains("<span id=\"problem\"></span>"), "the page's requests all answered:\n" + dom);
        Matcher updated = Pattern.compile("<span id=\"updated\">([^<]*)</span>").matcher(dom);
        assertTrue(updated.find() && !updated.group(1).equals("never"), "the page has been updated:\n" + dom);

        Path png = ProjectLayout.root().resolve("system-tests/target/lag-monitor-page.png");
        Files.deleteIfExists(png);
        browse(chromium, "screenshot", List.of("--hide-scrollbars", "--window-size=1100,800",
            "--screenshot=" + png));
        assertTrue(Files.size(png) > 1000, "chromium wrote a screenshot to " + png);
    }
}
