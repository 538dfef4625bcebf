package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client-side tool in bin/ (create-topic, topics, configs, consumer-groups, console-producer, console-consumer,
 * producer-perf, consumer-perf, end-to-end-latency) run as a real process, from a working directory outside the project, against a real broker;
 * the printed columns are checked and every effect is verified with Kafka's own Java client. Bad input (unknown
 * and missing flags, bad topic names, decreasing partitions, an unreachable bootstrap server) gives one line on
 * stderr, no stack trace and a non-zero exit.
 */
class ClientToolsIT {
    private static final Duration TOOL_BOUND = Duration.ofSeconds(120);
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(");
    private static final List<String> SCRIPTS = List.of("create-topic.sh", "topics.sh", "configs.sh",
            "consumer-groups.sh", "console-producer.sh", "producer-perf.sh", "console-consumer.sh", "consumer-perf.sh", "end-to-end-latency.sh");
    private static final AtomicInteger RUNS = new AtomicInteger();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;
    static Admin admin;
    static String bootstrap;

    @BeforeAll
    static void startCluster() {
        ProjectLayout.requireCoreBuilt();
        cluster = SingleBrokerCluster.start(workDir, ClientToolsIT.class);
        bootstrap = cluster.bootstrapServers();
        admin = KafkaClients.admin(bootstrap);
    }

    @AfterAll
    static void stopCluster() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
        List<String> lines() {
            return stdout.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    /** Runs {@code bin/<script> args} in a folder outside the project, feeding {@code stdin}; waits for its exit. */
    static Result run(String script, String stdin, String... args) throws Exception {
        Path dir = workDir.resolve("run-" + RUNS.incrementAndGet());
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>();
        command.add(ProjectLayout.script(script).toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        pb.environment().put("SLUICE_LOGS_DIR", dir.resolve("logs").toString());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the tool exited before reading its input; its exit code and stderr tell why
        }
        if (!p.waitFor(TOOL_BOUND.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(script + " " + String.join(" ", args) + " did not exit within " + TOOL_BOUND
                    + "\n" + Files.readString(dir.resolve("stderr")));
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("stdout")), Files.readString(dir.resolve("stderr")));
    }

    static Result ok(String script, String stdin, String... args) throws Exception {
        Result r = run(script, stdin, args);
        assertEquals(0, r.exitCode(), () -> script + " " + String.join(" ", args) + " failed: " + r);
        return r;
    }

    /** A non-zero exit with exactly one line on stderr, no stack trace, containing {@code expected}. */
    static Result fails(String expected, String script, String stdin, String... args) throws Exception {
        Result r = run(script, stdin, args);
        String what = script + " " + String.join(" ", args) + ": " + r;
        assertNotEquals(0, r.exitCode(), what);
        List<String> errLines = r.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, errLines.size(), "one line on stderr: " + what);
        assertTrue(errLines.get(0).startsWith(script + ": "), "the line names the tool: " + what);
        assertTrue(errLines.get(0).toLowerCase().contains(expected.toLowerCase()), "mentions '" + expected + "': " + what);
        assertFalse(STACK_FRAME.matcher(r.stderr()).find(), "no stack trace: " + what);
        return r;
    }

    static String[] withBootstrap(String... args) {
        String[] all = Arrays.copyOf(new String[] {"--bootstrap-server", bootstrap}, args.length + 2);
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    static TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
    }

    static Set<String> topicNames() throws Exception {
        return admin.listTopics().names().get(60, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ topics

    @Test
    void createDescribeAlterAndDeleteATopic() throws Exception {
        String topic = "tools-topic";
        Result created = ok("create-topic.sh", null, withBootstrap("--topic", topic, "--partitions", "3",
                "--replication-factor", "1", "--config", "retention.ms=123456", "--config", "cleanup.policy=delete"));
        assertEquals(List.of("Created topic " + topic + "."), created.lines());
        TopicDescription d = describe(topic);
        assertEquals(3, d.partitions().size());
        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all().get(60, TimeUnit.SECONDS).values().iterator().next();
        assertEquals("123456", config.get("retention.ms").value());

        ok("create-topic.sh", null, withBootstrap("--topic", topic, "--partitions", "3", "--if-not-exists"));
        fails("already exists", "create-topic.sh", null, withBootstrap("--topic", topic, "--partitions", "3"));

        assertTrue(ok("topics.sh", null, withBootstrap("--list")).lines().contains(topic));

        Result described = ok("topics.sh", null, withBootstrap("--describe", "--topic", topic));
        List<String> lines = described.lines();
        assertEquals(4, lines.size(), described.toString());
        Matcher header = Pattern.compile("^Topic: (\\S+)\tTopicId: (\\S+)\tPartitionCount: (\\d+)\tReplicationFactor: "
                + "(\\d+)\tConfigs: (.*)$").matcher(lines.get(0));
        assertTrue(header.matches(), "Kafka's topic line: " + lines.get(0));
        assertEquals(topic, header.group(1));
        assertEquals(d.topicId().toString(), header.group(2), "the topic id Kafka's client sees");
        assertEquals("3", header.group(3));
        assertEquals("1", header.group(4));
        assertTrue(Arrays.asList(header.group(5).split(",")).contains("retention.ms=123456"), lines.get(0));
        Pattern partitionLine = Pattern.compile(
                "^\tTopic: (\\S+)\tPartition: (\\d+)\tLeader: (\\d+|none)\tReplicas: ([\\d,]+)\tIsr: ([\\d,]*)$");
        for (int p = 0; p < 3; p++) {
            Matcher m = partitionLine.matcher(described.stdout().lines().toList().get(p + 1));
            assertTrue(m.matches(), "Kafka's partition line: " + lines.get(p + 1));
            assertEquals(Integer.toString(p), m.group(2));
            assertEquals(Integer.toString(d.partitions().get(p).leader().id()), m.group(3));
            assertEquals("0", m.group(4));
            assertEquals("0", m.group(5));
        }
        assertEquals("", ok("topics.sh", null, withBootstrap("--describe", "--topic", topic,
                "--under-replicated-partitions")).stdout(), "no under-replicated partitions on a healthy broker");
        assertEquals("", ok("topics.sh", null, withBootstrap("--describe", "--unavailable-partitions")).stdout());

        ok("topics.sh", null, withBootstrap("--alter", "--topic", topic, "--partitions", "5"));
        assertEquals(5, describe(topic).partitions().size());
        fails("can only be increased", "topics.sh", null, withBootstrap("--alter", "--topic", topic, "--partitions", "2"));
        assertEquals(5, describe(topic).partitions().size());

        ok("topics.sh", null, withBootstrap("--delete", "--topic", topic));
        Await.until(Duration.ofSeconds(60), () -> !topicNames().contains(topic), () -> topic + " is deleted");
        fails("does not exist", "topics.sh", null, withBootstrap("--delete", "--topic", topic));
    }

    // ------------------------------------------------------------------ configs

    @Test
    void configsDescribeAndAlterTopicAndBrokerConfigs() throws Exception {
        String topic = "tools-configs";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

        Result altered = ok("configs.sh", null, withBootstrap("--entity-type", "topics", "--entity-name", topic,
                "--alter", "--add-config", "retention.ms=600000,cleanup.policy=[compact,delete]"));
        assertEquals(List.of("Completed updating config for topic " + topic + "."), altered.lines());
        Config config = admin.describeConfigs(List.of(resource)).all().get(60, TimeUnit.SECONDS).get(resource);
        assertEquals("600000", config.get("retention.ms").value());
        assertEquals("compact,delete", config.get("cleanup.policy").value());

        Result described = ok("configs.sh", null, withBootstrap("--entity-type", "topics", "--entity-name", topic,
                "--describe"));
        assertEquals("Dynamic configs for topic " + topic + " are:", described.lines().get(0));
        assertTrue(described.lines().contains("  retention.ms=600000 sensitive=false "
                + "synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=600000}"), described.toString());

        ok("configs.sh", null, withBootstrap("--entity-type", "topics", "--entity-name", topic, "--alter",
                "--delete-config", "retention.ms"));
        config = admin.describeConfigs(List.of(resource)).all().get(60, TimeUnit.SECONDS).get(resource);
        assertNotEquals(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
                config.get("retention.ms").source(), "retention.ms is back to its default");

        Result broker = ok("configs.sh", null, withBootstrap("--entity-type", "brokers", "--entity-name", "0",
                "--describe", "--all"));
        assertEquals("All configs for broker 0 are:", broker.lines().get(0));
        assertTrue(broker.lines().stream().anyMatch(l -> l.startsWith("  broker.id=0 ")), broker.toString());

        fails("numeric id", "configs.sh", null, withBootstrap("--entity-type", "brokers", "--entity-name", "x",
                "--describe"));
        fails("entity-type", "configs.sh", null, withBootstrap("--entity-type", "users", "--entity-name", "x",
                "--describe"));
        fails("does not exist", "configs.sh", null, withBootstrap("--entity-type", "topics", "--entity-name",
                "no-such-topic", "--describe"));
    }

    // ------------------------------------------------------------------ console-producer

    @Test
    void consoleProducerLinesAreReadBackByKafkaConsumer() throws Exception {
        String topic = "tools-console";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
        StringBuilder input = new StringBuilder();
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            input.append("key-").append(i).append("::").append("value ").append(i).append(" with spaces\n");
            expected.put("key-" + i, "value " + i + " with spaces");
        }
        ok("console-producer.sh", input.toString(), withBootstrap("--topic", topic, "--property", "parse.key=true",
                "--property", "key.separator=::", "--compression-codec", "lz4", "--producer-property", "linger.ms=5"));
        ok("console-producer.sh", "plain one\nplain two\n", withBootstrap("--topic", topic, "--sync"));

        Map<String, String> keyed = new HashMap<>();
        List<String> unkeyed = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Await.until(Duration.ofSeconds(60), () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    if (r.key() == null) {
                        unkeyed.add(value);
                    } else {
                        keyed.put(new String(r.key(), StandardCharsets.UTF_8), value);
                    }
                }
                return keyed.size() + unkeyed.size() >= 52;
            }, () -> "52 records read back, got " + keyed.size() + " keyed and " + unkeyed);
        }
        assertEquals(expected, keyed);
        assertEquals(Set.of("plain one", "plain two"), Set.copyOf(unkeyed));

        fails("no key separator found on line number 2", "console-producer.sh", "a::b\nno separator\n",
                withBootstrap("--topic", topic, "--property", "parse.key=true", "--property", "key.separator=::"));
        fails("does not exist", "console-producer.sh", "x\n", withBootstrap("--topic", "no-such-topic"));
        fails("compression-codec", "console-producer.sh", "x\n", withBootstrap("--topic", topic,
                "--compression-codec", "brotli"));
    }

    // ------------------------------------------------------------------ console-consumer

    @Test
    void consoleConsumerPrintsRecordsWithKafkasFieldsAndCommitsForItsGroup() throws Exception {
        String topic = "tools-console-consumer";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 10; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, i % 2, 1_700_000_000_000L + i,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8), ("value " + i).getBytes(StandardCharsets.UTF_8));
                record.headers().add("h", ("v" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(record).get(60, TimeUnit.SECONDS);
            }
        }
        Result all = ok("console-consumer.sh", null, withBootstrap("--topic", topic, "--from-beginning",
                "--max-messages", "10", "--property", "print.timestamp=true", "--property", "print.partition=true",
                "--property", "print.offset=true", "--property", "print.headers=true", "--property", "print.key=true"));
        Pattern line = Pattern.compile("CreateTime:170000000000\\d\tPartition:(\\d)\tOffset:(\\d)\th:v(\\d)\tkey-(\\d)\tvalue (\\d)");
        Set<Integer> seen = new java.util.TreeSet<>();
        for (String l : all.lines()) {
            Matcher m = line.matcher(l);
            assertTrue(m.matches(), "Kafka's layout: " + l);
            int i = Integer.parseInt(m.group(5));
            assertEquals(i % 2, Integer.parseInt(m.group(1)), l);
            assertEquals(i / 2, Integer.parseInt(m.group(2)), l);
            assertEquals(List.of(i, i), List.of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))), l);
            assertTrue(l.startsWith("CreateTime:" + (1_700_000_000_000L + i) + "\t"), l);
            seen.add(i);
        }
        assertEquals(10, all.lines().size(), all.toString());
        assertEquals(10, seen.size(), all.toString());
        assertTrue(all.stderr().contains("Processed a total of 10 messages"), all.toString());

        Result one = ok("console-consumer.sh", null, withBootstrap("--topic", topic, "--partition", "1", "--offset", "3",
                "--timeout-ms", "3000", "--property", "print.key=true", "--property", "key.separator=::"));
        assertEquals(List.of("key-7::value 7", "key-9::value 9"), one.lines(), one.toString());
        assertTrue(one.stderr().contains("Processed a total of 2 messages"), one.toString());
        Result latest = ok("console-consumer.sh", null, withBootstrap("--topic", topic, "--timeout-ms", "2000"));
        assertEquals(List.of(), latest.lines(), latest.toString());

        String group = "console-consumer-group";
        Result grouped = ok("console-consumer.sh", null, withBootstrap("--topic", topic, "--group", group,
                "--from-beginning", "--max-messages", "10"));
        assertEquals(10, grouped.lines().size(), grouped.toString());
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
        assertEquals(Map.of(new TopicPartition(topic, 0), 5L, new TopicPartition(topic, 1), 5L),
                committed.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())));
        Result again = ok("console-consumer.sh", null, withBootstrap("--topic", topic, "--group", group,
                "--from-beginning", "--timeout-ms", "10000"));
        assertEquals(List.of(), again.lines(), "the group resumes after its committed offsets: " + again);
        assertTrue(again.stderr().contains("Processed a total of 0 messages"), again.toString());

        fails("--offset needs --partition", "console-consumer.sh", null, withBootstrap("--topic", topic, "--offset", "1"));
        fails("cannot be used together", "console-consumer.sh", null, withBootstrap("--topic", topic, "--group", "g",
                "--partition", "0"));
        fails("--offset must be", "console-consumer.sh", null, withBootstrap("--topic", topic, "--partition", "0",
                "--offset", "soon"));
        fails("has no partition 5", "console-consumer.sh", null, withBootstrap("--topic", topic, "--partition", "5"));
        fails("does not exist", "console-consumer.sh", null, withBootstrap("--topic", "no-such-topic"));
        fails("unknown formatter property", "console-consumer.sh", null, withBootstrap("--topic", topic,
                "--property", "print.colour=true"));
        fails("topic name", "console-consumer.sh", null, withBootstrap("--topic", "bad name"));
    }

    @Test
    void consoleConsumerStopsCleanlyOnSigterm() throws Exception {
        String topic = "tools-console-sigterm";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "first".getBytes(StandardCharsets.UTF_8))).get(60, TimeUnit.SECONDS);
        }
        Path dir = workDir.resolve("sigterm");
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(ProjectLayout.script("console-consumer.sh").toString(),
                "--bootstrap-server", bootstrap, "--topic", topic, "--group", "sigterm-group", "--from-beginning")
                .directory(dir.toFile()).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        pb.environment().put("SLUICE_LOGS_DIR", dir.resolve("logs").toString());
        Process p = pb.start();
        try {
            Await.until(Duration.ofSeconds(60), () -> Files.readString(dir.resolve("stdout")).contains("first"),
                    () -> "the record is printed");
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        String stderr = Files.readString(dir.resolve("stderr"));
        assertTrue(stderr.contains("Processed a total of 1 messages"), stderr);
        assertFalse(STACK_FRAME.matcher(stderr).find(), stderr);
    }

    // ------------------------------------------------------------------ consumer-groups

    @Test
    void consumerGroupsDescribeResetAndDelete() throws Exception {
        String topic = "tools-groups";
        String group = "tools-group";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.CLIENT_ID_CONFIG, "tools-client"))) {
            consumer.subscribe(List.of(topic));
            AtomicInteger seen = new AtomicInteger();
            Await.until(Duration.ofSeconds(90), () -> seen.addAndGet(consumer.poll(Duration.ofMillis(200)).count()) >= 10,
                    () -> "the group's consumer read the 10 records");
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(6)));

            assertTrue(ok("consumer-groups.sh", null, withBootstrap("--list")).lines().contains(group));

            Result described = ok("consumer-groups.sh", null, withBootstrap("--describe", "--group", group));
            List<String> lines = described.lines();
            assertEquals(List.of("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID",
                    "HOST", "CLIENT-ID"), Arrays.asList(lines.get(0).trim().split("\\s+")), described.toString());
            List<String> row = Arrays.asList(lines.get(1).trim().split("\\s+"));
            assertEquals(List.of(group, topic, "0", "6", "10", "4"), row.subList(0, 6), described.toString());
            assertTrue(row.get(6).startsWith("tools-client"), "the member id: " + row);
            assertEquals("tools-client", row.get(8));
            assertColumnsAligned(lines);

            Result members = ok("consumer-groups.sh", null, withBootstrap("--describe", "--group", group, "--members"));
            assertEquals(List.of("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"),
                    Arrays.asList(members.lines().get(0).trim().split("\\s+")));
            assertEquals("1", lastColumn(members.lines().get(1)));

            Result state = ok("consumer-groups.sh", null, withBootstrap("--describe", "--group", group, "--state"));
            assertTrue(state.lines().get(0).matches("GROUP\\s+COORDINATOR \\(ID\\)\\s+ASSIGNMENT-STRATEGY\\s+STATE\\s+#MEMBERS"),
                    state.toString());
            assertTrue(state.lines().get(1).matches(group + "\\s+\\S+:\\d+ \\(0\\)\\s+\\S+\\s+Stable\\s+1"), state.toString());

            fails("inactive", "consumer-groups.sh", null, withBootstrap("--reset-offsets", "--group", group, "--topic",
                    topic, "--to-earliest", "--execute"));
            assertEquals(6, committed(group, tp));
            fails("has 1 active member", "consumer-groups.sh", null, withBootstrap("--delete", "--group", group));
        }
        Await.until(Duration.ofSeconds(60), () -> admin.describeConsumerGroups(List.of(group)).all()
                .get(30, TimeUnit.SECONDS).get(group).members().isEmpty(), () -> group + " has no members after close");

        Result inactive = ok("consumer-groups.sh", null, withBootstrap("--describe", "--group", group));
        assertTrue(inactive.stdout().contains("Consumer group '" + group + "' has no active members."), inactive.toString());
        assertEquals(List.of(group, topic, "0", "6", "10", "4", "-", "-", "-"),
                Arrays.asList(inactive.lines().get(2).trim().split("\\s+")), inactive.toString());

        Result dry = ok("consumer-groups.sh", null, withBootstrap("--reset-offsets", "--group", group, "--topic", topic,
                "--to-earliest", "--dry-run"));
        assertEquals(List.of("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"), Arrays.asList(dry.lines().get(0).split("\\s+")));
        assertEquals(List.of(group, topic, "0", "0"), Arrays.asList(dry.lines().get(1).split("\\s+")));
        assertEquals(6, committed(group, tp), "a dry run changes nothing");

        ok("consumer-groups.sh", null, withBootstrap("--reset-offsets", "--group", group, "--topic", topic + ":0",
                "--to-offset", "2", "--execute"));
        assertEquals(2, committed(group, tp));
        ok("consumer-groups.sh", null, withBootstrap("--reset-offsets", "--group", group, "--all-topics",
                "--shift-by", "3", "--execute"));
        assertEquals(5, committed(group, tp));
        ok("consumer-groups.sh", null, withBootstrap("--reset-offsets", "--group", group, "--topic", topic,
                "--to-latest", "--execute"));
        assertEquals(10, committed(group, tp));
        ok("consumer-groups.sh", null, withBootstrap("--reset-offsets", "--group", group, "--topic", topic,
                "--by-duration", "P1DT0H0M0S", "--execute"));
        assertEquals(0, committed(group, tp), "every record is younger than a day");
        ok("consumer-groups.sh", null, withBootstrap("--reset-offsets", "--group", group, "--topic", topic,
                "--to-datetime", "2999-01-01T00:00:00.000", "--execute"));
        assertEquals(10, committed(group, tp), "no record is that new: the latest offset");
        fails("to-datetime", "consumer-groups.sh", null, withBootstrap("--reset-offsets", "--group", group,
                "--topic", topic, "--to-datetime", "yesterday", "--execute"));

        Result deleted = ok("consumer-groups.sh", null, withBootstrap("--delete", "--group", group));
        assertTrue(deleted.stdout().contains("'" + group + "'"), deleted.toString());
        Await.until(Duration.ofSeconds(60), () -> admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                .noneMatch(g -> g.groupId().equals(group)), () -> group + " is gone");
        fails("does not exist", "consumer-groups.sh", null, withBootstrap("--describe", "--group", group));
    }

    private static long committed(String group, TopicPartition tp) throws Exception {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(60, TimeUnit.SECONDS).get(tp);
        return o == null ? -1 : o.offset();
    }

    private static String lastColumn(String line) {
        String[] cells = line.trim().split("\\s+");
        return cells[cells.length - 1];
    }

    /** Every column starts at the same character position in every line (Kafka's padded layout). */
    private static void assertColumnsAligned(List<String> lines) {
        List<Integer> starts = columnStarts(lines.get(0));
        for (String line : lines) {
            List<Integer> s = columnStarts(line);
            assertEquals(starts, s, "aligned columns:\n" + String.join("\n", lines));
        }
    }

    private static List<Integer> columnStarts(String line) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) != ' ' && (i == 0 || line.charAt(i - 1) == ' ')) {
                starts.add(i);
            }
        }
        return starts;
    }

    // ------------------------------------------------------------------ producer-perf

    @Test
    void producerPerfSendsTheRecordsAndPrintsKafkasSummary() throws Exception {
        String topic = "tools-perf";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
        Result r = ok("producer-perf.sh", null, "--topic", topic, "--num-records", "5000", "--record-size", "100",
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap, "acks=1", "linger.ms=5");
        String summary = r.lines().get(r.lines().size() - 1);
        assertTrue(summary.matches("5000 records sent, [\\d.]+ records/sec \\([\\d.]+ MB/sec\\), [\\d.]+ ms avg latency, "
                + "[\\d.]+ ms max latency, \\d+ ms 50th, \\d+ ms 95th, \\d+ ms 99th, \\d+ ms 99.9th\\."), summary);
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
            ends = consumer.endOffsets(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)),
                    Duration.ofSeconds(60));
        }
        assertEquals(5000L, ends.values().stream().mapToLong(Long::longValue).sum(), "records in the log: " + ends);

        fails("--num-records", "producer-perf.sh", null, "--topic", topic, "--record-size", "10", "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + bootstrap);
        fails("bootstrap", "producer-perf.sh", null, "--topic", topic, "--num-records", "1", "--record-size", "10",
                "--throughput", "-1");
    }

    @Test
    void consumerPerfReadsTheRecordsAndPrintsKafkasCsvSummary() throws Exception {
        String topic = "tools-consumer-perf";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 1000; i++) {
                producer.send(new ProducerRecord<>(topic, new byte[100]));
            }
            producer.flush();
        }
        String header = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
                + "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";
        String time = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}";
        String num = "[\\d.]+";
        Result r = ok("consumer-perf.sh", null, withBootstrap("--topic", topic, "--messages", "1000", "--group",
                "perf-group"));
        assertEquals(2, r.lines().size(), r.toString());
        assertEquals(header, r.lines().get(0));
        assertTrue(r.lines().get(1).matches(time + ", " + time + ", 0\\.0954, " + num + ", 1000, " + num + ", \\d+, \\d+, "
                + num + ", " + num), r.lines().get(1));

        Result more = ok("consumer-perf.sh", null, withBootstrap("--topic", topic, "--messages", "5000", "--timeout",
                "3000", "--hide-header"));
        assertEquals(1, more.lines().size(), more.toString());
        assertTrue(more.lines().get(0).contains(", 1000, "), "all 1000 records, then the timeout: " + more);
        assertTrue(more.stderr().contains("WARNING: Exiting before consuming the expected number of messages"), more.toString());

        Result detailed = ok("consumer-perf.sh", null, withBootstrap("--topic", topic, "--messages", "1000",
                "--show-detailed-stats", "--reporting-interval", "1"));
        assertEquals("time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, "
                + "fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec", detailed.lines().get(0));
        long total = 0;
        for (String l : detailed.lines().subList(1, detailed.lines().size())) {
            assertTrue(l.matches(time + ", 0, " + num + ", " + num + ", \\d+, " + num + ", -?\\d+, -?\\d+, -?" + num
                    + ", -?" + num), l);
            total += Long.parseLong(l.split(", ")[4]);
        }
        assertTrue(total <= 1000 && detailed.lines().size() > 1, detailed.toString());

        fails("--messages", "consumer-perf.sh", null, withBootstrap("--topic", topic));
        fails("does not exist", "consumer-perf.sh", null, withBootstrap("--topic", "no-such-topic", "--messages", "1"));
    }

    @Test
    void endToEndLatencyPrintsAverageAndPercentiles() throws Exception {
        String topic = "tools-e2e-latency";
        Result r = ok("end-to-end-latency.sh", null, bootstrap, topic, "50", "1", "100");
        assertTrue(topicNames().contains(topic), "a missing topic is created: " + r);
        List<String> lines = r.lines();
        assertTrue(lines.get(0).matches("0\t[\\d.]+"), r.toString());
        assertTrue(lines.get(lines.size() - 2).matches("Avg latency: \\d+\\.\\d{4} ms"), r.toString());
        assertTrue(lines.get(lines.size() - 1).matches("Percentiles: 50th = \\d+, 99th = \\d+, 99\\.9th = \\d+"), r.toString());
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
            ends = consumer.endOffsets(List.of(new TopicPartition(topic, 0)), Duration.ofSeconds(60));
        }
        assertEquals(50L, ends.get(new TopicPartition(topic, 0)), "one record per round trip");
        Result all = ok("end-to-end-latency.sh", null, bootstrap, topic, "5", "all", "10");
        assertTrue(all.lines().get(all.lines().size() - 1).startsWith("Percentiles: 50th = "), all.toString());

        fails("synchronous acknowledgement", "end-to-end-latency.sh", null, bootstrap, topic, "5", "0", "10");
        fails("missing required parameter", "end-to-end-latency.sh", null, bootstrap, topic, "5");
        fails("topic name", "end-to-end-latency.sh", null, bootstrap, "bad name", "5", "1", "10");
    }

    // ------------------------------------------------------------------ bad input, common to all tools

    @Test
    void everyToolHasHelpAndRefusesUnknownOrMissingFlags() throws Exception {
        for (String script : SCRIPTS) {
            Result help = ok(script, null, "--help");
            assertTrue(help.stdout().startsWith("Usage: " + script), script + ": " + help);
            fails("unknown option: '--no-such-flag'", script, null, "--no-such-flag");
        }
        fails("missing required option", "topics.sh", null, "--list");
        fails("--bootstrap-server", "topics.sh", null, "--bootstrap-server", "localhost", "--list");
        fails("missing required argument", "topics.sh", null, withBootstrap());
        fails("--group is required", "consumer-groups.sh", null, withBootstrap("--describe"));
        fails("--dry-run and --execute", "consumer-groups.sh", null, withBootstrap("--reset-offsets", "--group", "g",
                "--all-topics", "--to-earliest", "--dry-run", "--execute"));
        fails("--partitions must be at least 1", "create-topic.sh", null, withBootstrap("--topic", "t", "--partitions", "0"));
    }

    @Test
    void badTopicNamesAreRefusedBeforeAnyRequest() throws Exception {
        for (String bad : List.of("has space", "slash/topic", "..", "x".repeat(250), "ümlaut")) {
            fails("topic name", "create-topic.sh", null, withBootstrap("--topic", bad));
        }
        fails("topic name", "topics.sh", null, withBootstrap("--describe", "--topic", "bad name"));
        fails("topic name", "console-producer.sh", "x\n", withBootstrap("--topic", "bad name"));
        fails("topic name", "configs.sh", null, withBootstrap("--entity-type", "topics", "--entity-name", "a*b",
                "--describe"));
        assertFalse(topicNames().contains("has space"));
    }

    @Test
    void anUnreachableBootstrapServerFailsWithinTheTimeout() throws Exception {
        String nowhere = "127.0.0.1:" + FreePorts.next();
        Collection<String[]> invocations = List.of(
                new String[] {"topics.sh", "--bootstrap-server", nowhere, "--list", "--timeout", "3000"},
                new String[] {"create-topic.sh", "--bootstrap-server", nowhere, "--topic", "t", "--timeout", "3000"},
                new String[] {"configs.sh", "--bootstrap-server", nowhere, "--entity-type", "brokers", "--entity-name",
                    "0", "--describe", "--timeout", "3000"},
                new String[] {"consumer-groups.sh", "--bootstrap-server", nowhere, "--list", "--timeout", "3000"},
                new String[] {"console-producer.sh", "--bootstrap-server", nowhere, "--topic", "t", "--max-block-ms", "3000"},
                new String[] {"console-consumer.sh", "--bootstrap-server", nowhere, "--topic", "t", "--timeout-ms", "3000"},
                new String[] {"consumer-perf.sh", "--bootstrap-server", nowhere, "--topic", "t", "--messages", "1",
                    "--timeout", "3000"},
                new String[] {"end-to-end-latency.sh", nowhere, "t", "1", "1", "10"},
                new String[] {"producer-perf.sh", "--topic", "t", "--num-records", "1", "--record-size", "1",
                    "--throughput", "-1", "--producer-props", "bootstrap.servers=" + nowhere, "max.block.ms=3000"});
        for (String[] inv : invocations) {
            long start = System.nanoTime();
            fails("could not reach the cluster at " + nowhere, inv[0], "x\n", Arrays.copyOfRange(inv, 1, inv.length));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < TOOL_BOUND.toSeconds(), inv[0] + " gave up in " + seconds + " s");
        }
        Result verbose = run("topics.sh", null, "--bootstrap-server", nowhere, "--list", "--timeout", "2000", "--verbose");
        assertNotEquals(0, verbose.exitCode());
        assertTrue(STACK_FRAME.matcher(verbose.stderr()).find(), "--verbose prints the stack trace: " + verbose);
        assertEquals(1, verbose.stderr().lines().filter(l -> l.startsWith("topics.sh: ")).collect(Collectors.toList()).size());
    }
}
