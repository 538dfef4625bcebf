package io.sluice.cli.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.TextTable;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.GroupDescription;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.metadata.PartitionInfo;
import io.sluice.common.Errors;
import io.sluice.common.TopicPartition;
import io.sluice.common.Uuid;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsing and formatting of the client-side tools, without a cluster. */
class ToolsParsingTest {
    record Run(int code, String out, String err) {}

    private static Run run(String tool, ToolCommand command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ToolRunner.run(command, args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void bootstrapServersAreCheckedAsHostPortPairs() {
        assertEquals(List.of("a:1", "b:9092"), ToolSupport.parseBootstrap("a:1, b:9092"));
        assertEquals(List.of("[::1]:9092"), ToolSupport.parseBootstrap("[::1]:9092"));
        for (String bad : List.of("", "host", "host:", ":9092", "host:x", "host:0", "host:70000", "a:1,,b:2")) {
            ToolException e = assertThrows(ToolException.class, () -> ToolSupport.parseBootstrap(bad), bad);
            assertEquals(ExitCodes.USAGE, e.exitCode());
        }
    }

    @Test
    void topicNamesFollowKafkasRules() {
        ToolSupport.validateTopic("a.b_c-D9");
        ToolSupport.validateTopic("x".repeat(249));
        for (String bad : List.of("", ".", "..", "x".repeat(250), "a b", "a/b", "ä", "a*")) {
            assertThrows(ToolException.class, () -> ToolSupport.validateTopic(bad), bad);
        }
    }

    @Test
    void unknownAndMissingFlagsGiveOneLineAndExitCode2() {
        Run unknown = run("topics.sh", new TopicsTool(), "--bootstrap-server", "h:1", "--list", "--nope");
        assertEquals(2, unknown.code());
        assertEquals("topics.sh: Unknown option: '--nope' (try --help)", unknown.err().strip());
        Run missing = run("create-topic.sh", new CreateTopicTool(), "--bootstrap-server", "h:1");
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("create-topic.sh: Missing required option: '--topic"), missing.err());
        assertEquals(1, missing.err().strip().lines().count());
        Run noAction = run("topics.sh", new TopicsTool(), "--bootstrap-server", "h:1");
        assertEquals(2, noAction.code());
        Run two = run("topics.sh", new TopicsTool(), "--bootstrap-server", "h:1", "--list", "--describe");
        assertEquals(2, two.code());
        assertTrue(two.err().contains("mutually exclusive"), two.err());
        Run help = run("consumer-groups.sh", new ConsumerGroupsTool(), "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("Usage: consumer-groups.sh"));
    }

    @Test
    void argumentErrorsFoundBeforeConnectingAreOneLineWithoutStackTrace() {
        Run zero = run("create-topic.sh", new CreateTopicTool(), "--bootstrap-server", "h:1", "--topic", "t",
            "--partitions", "0");
        assertEquals(2, zero.code());
        assertEquals("create-topic.sh: --partitions must be at least 1, not 0 (try --help)", zero.err().strip());
        Run rf = run("create-topic.sh", new CreateTopicTool(), "--bootstrap-server", "h:1", "--topic", "t",
            "--replication-factor", "40000");
        assertEquals(2, rf.code());
        Run badName = run("topics.sh", new TopicsTool(), "--bootstrap-server", "h:1", "--delete", "--topic", "a b");
        assertEquals(2, badName.code());
        assertFalse(badName.err().contains("\tat "), badName.err());
        Run verbose = run("topics.sh", new TopicsTool(), "--bootstrap-server", "h:1", "--delete", "--topic", "a b",
            "--verbose");
        assertTrue(verbose.err().contains("\tat "), "a stack trace with --verbose: " + verbose.err());
        Run alter = run("topics.sh", new TopicsTool(), "--bootstrap-server", "h:1", "--alter", "--topic", "t");
        assertTrue(alter.err().contains("--alter needs --partitions"), alter.err());
        Run reset = run("consumer-groups.sh", new ConsumerGroupsTool(), "--bootstrap-server", "h:1", "--reset-offsets",
            "--group", "g", "--all-topics");
        assertEquals(2, reset.code());
        assertTrue(reset.err().contains("--to-earliest"), reset.err());
        Run twoSpecs = run("consumer-groups.sh", new ConsumerGroupsTool(), "--bootstrap-server", "h:1",
            "--reset-offsets", "--group", "g", "--all-topics", "--to-earliest", "--to-latest");
        assertEquals(2, twoSpecs.code());
    }

    @Test
    void topicDescribeLinesUseKafkasLayout() {
        TopicPartition tp0 = new TopicPartition("t", 0);
        TopicPartition tp1 = new TopicPartition("t", 1);
        PartitionInfo p0 = new PartitionInfo(tp0, 1, 0, List.of(1, 2, 3), List.of(1, 3), List.of(), Errors.NONE);
        PartitionInfo p1 = new PartitionInfo(tp1, -1, 0, List.of(2, 3, 1), List.of(), List.of(), Errors.NONE);
        Uuid id = Uuid.randomUuid();
        TopicDescription t = new TopicDescription("t", id, false, List.of(p0, p1));
        Map<String, ConfigEntry> configs = Map.of(
            "retention.ms", new ConfigEntry("retention.ms", "1000", ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG, false, false),
            "cleanup.policy", new ConfigEntry("cleanup.policy", "delete", ConfigEntry.Source.DEFAULT_CONFIG, false, false));
        assertEquals("Topic: t\tTopicId: " + id + "\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: retention.ms=1000",
            TopicsTool.topicLine(t, configs));
        assertEquals("\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,3", TopicsTool.partitionLine(p0));
        assertEquals("\tTopic: t\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: ", TopicsTool.partitionLine(p1));
        assertTrue(TopicsTool.isUnderReplicated(p0));
    }

    @Test
    void addConfigKeepsBracketedListsTogether() {
        assertEquals(Map.of("a", "1", "cleanup.policy", "compact,delete", "b", "x=y"),
            ConfigsTool.parseAddConfig("a=1,cleanup.policy=[compact,delete],b=x=y"));
        assertThrows(ToolException.class, () -> ConfigsTool.parseAddConfig("a=[1,2"));
        assertThrows(ToolException.class, () -> ConfigsTool.parseAddConfig("novalue"));
        assertThrows(ToolException.class, () -> ConfigsTool.resource(ConfigsTool.EntityType.brokers, "one"));
        assertEquals("  retention.ms=5 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5}",
            ConfigsTool.describeLine(new ConfigEntry("retention.ms", "5", ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG,
                false, false)));
    }

    @Test
    void groupTablesArePaddedToTheWidestCell() {
        String table = new TextTable(1, List.of("GROUP", "LAG", "HOST"))
            .addAll(List.of(List.of("a-long-group", "1", "h"), List.of("g", "12345", "-"))).render();
        assertEquals("GROUP        LAG   HOST\na-long-group 1     h\ng            12345 -\n", table);
    }

    @Test
    void describeRowsShowOwnersCommittedOffsetsAndLag() {
        TopicPartition a0 = new TopicPartition("a", 0);
        TopicPartition a1 = new TopicPartition("a", 1);
        TopicPartition b0 = new TopicPartition("b", 0);
        GroupDescription.Member m = new GroupDescription.Member("m-1", null, "client", "/10.0.0.1", List.of(a1));
        GroupDescription.Member idle = new GroupDescription.Member("m-2", null, "client2", "/10.0.0.2", List.of());
        List<List<String>> rows = ConsumerGroupsTool.offsetRows("g", Set.of(a0, a1, b0), Map.of(a0, 5L, a1, 7L),
            Map.of(a0, 9L, a1, 7L, b0, 3L), Map.of(a1, m), List.of(m, idle));
        assertEquals(List.of(
            List.of("g", "-", "-", "-", "-", "-", "m-2", "/10.0.0.2", "client2"),
            List.of("g", "a", "1", "7", "7", "0", "m-1", "/10.0.0.1", "client"),
            List.of("g", "a", "0", "5", "9", "4", "-", "-", "-"),
            List.of("g", "b", "0", "-", "3", "-", "-", "-", "-")), rows);
    }

    @Test
    void resetOffsetSpecsParse() {
        assertEquals(Map.entry("t", List.of(0, 2)), ConsumerGroupsTool.parseTopicPartitions("t:0,2"));
        assertEquals(Map.entry("t", List.of()), ConsumerGroupsTool.parseTopicPartitions("t"));
        assertThrows(ToolException.class, () -> ConsumerGroupsTool.parseTopicPartitions("t:x"));
        assertThrows(ToolException.class, () -> ConsumerGroupsTool.parseTopicPartitions("t:-1"));
        assertEquals(OffsetDateTime.parse("2024-03-01T10:00:00.250Z").toInstant().toEpochMilli(),
            ConsumerGroupsTool.parseDateTime("2024-03-01T10:00:00.250Z"));
        assertEquals(OffsetDateTime.parse("2024-03-01T10:00:00.250+02:00").toInstant().toEpochMilli(),
            ConsumerGroupsTool.parseDateTime("2024-03-01T10:00:00.250+02:00"));
        ConsumerGroupsTool.parseDateTime("2024-03-01T10:00:00.250");
        assertThrows(ToolException.class, () -> ConsumerGroupsTool.parseDateTime("2024-03-01"));
        assertEquals(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4),
            ConsumerGroupsTool.parseDuration("P1DT2H3M4S"));
        assertThrows(ToolException.class, () -> ConsumerGroupsTool.parseDuration("1h"));
        assertEquals(5, ConsumerGroupsTool.clamp(3, 5, 10));
        assertEquals(10, ConsumerGroupsTool.clamp(30, 5, 10));
        assertEquals(7, ConsumerGroupsTool.clamp(7, 5, 10));
    }

    @Test
    void consoleProducerLinesSplitIntoHeadersKeyAndValue() {
        var plain = ConsoleProducerTool.LineFormat.of(Map.of());
        ConsoleProducerTool.Line line = plain.parse("a\tb", 1);
        assertNull(line.key());
        assertArrayEquals("a\tb".getBytes(StandardCharsets.UTF_8), line.value());

        var keyed = ConsoleProducerTool.LineFormat.of(Map.of("parse.key", "true", "key.separator", "::",
            "null.marker", "NULL"));
        line = keyed.parse("k::v::w", 1);
        assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), line.key());
        assertArrayEquals("v::w".getBytes(StandardCharsets.UTF_8), line.value());
        line = keyed.parse("NULL::NULL", 2);
        assertNull(line.key());
        assertNull(line.value());
        ToolException e = assertThrows(ToolException.class, () -> keyed.parse("nokey", 7));
        assertTrue(e.getMessage().contains("line number 7"), e.getMessage());

        var lenient = ConsoleProducerTool.LineFormat.of(Map.of("parse.key", "true", "ignore.error", "true"));
        assertArrayEquals("nokey".getBytes(StandardCharsets.UTF_8), lenient.parse("nokey", 1).value());

        var headers = ConsoleProducerTool.LineFormat.of(Map.of("parse.headers", "true", "parse.key", "true"));
        line = headers.parse("h1:v1,h2:v2\tk\tv", 1);
        assertEquals(2, line.headers().size());
        assertEquals("h2", line.headers().get(1).key());
        assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), line.key());

        assertThrows(ToolException.class, () -> ConsoleProducerTool.LineFormat.of(Map.of("parse.kye", "true")));
        assertThrows(ToolException.class, () -> ConsoleProducerTool.LineFormat.of(Map.of("parse.key", "yes")));
    }

    @Test
    void consoleProducerSettingsFollowKafkasFlags() {
        ConsoleProducerTool tool = new ConsoleProducerTool();
        picocli.CommandLine cl = new picocli.CommandLine(tool);
        cl.parseArgs("--bootstrap-server", "h:1", "--topic", "t", "--compression-codec", "--request-required-acks", "1",
            "--producer-property", "batch.size=100");
        Map<String, Object> config = tool.producerConfig();
        assertEquals("gzip", config.get("compression.type"), "a bare --compression-codec means gzip");
        assertEquals("1", config.get("acks"));
        assertEquals("false", config.get("enable.idempotence"), "idempotence needs acks=all");
        assertEquals("100", config.get("batch.size"));
        assertEquals("h:1", config.get("bootstrap.servers"));
    }

    @Test
    void perfSummaryHasKafkasShapeAndPercentiles() {
        int[] sorted = new int[1000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(500, ProducerPerfTool.percentile(sorted, 0.5));
        assertEquals(990, ProducerPerfTool.percentile(sorted, 0.99));
        assertEquals(999, ProducerPerfTool.percentile(sorted, 0.999));
        assertEquals(0, ProducerPerfTool.percentile(new int[0], 0.5));
        assertEquals("1000 records sent, 500.000000 records/sec (0.05 MB/sec), 2.50 ms avg latency, 9.00 ms max latency, "
                + "500 ms 50th, 950 ms 95th, 990 ms 99th, 999 ms 99.9th.",
            ProducerPerfTool.summaryLine(1000, 2000, 100_000, 2500, 9, sorted));
        assertEquals("10 records sent, 2.0 records/sec (0.00 MB/sec), 1.5 ms avg latency, 3.0 ms max latency.",
            ProducerPerfTool.windowLine(10, 5000, 100, 15, 3));
    }

    private static io.sluice.client.consumer.ConsumerRecord<byte[], byte[]> record(byte[] key, String value,
            List<io.sluice.record.Header> headers, long timestamp, io.sluice.record.TimestampType type) {
        return new io.sluice.client.consumer.ConsumerRecord<>("t", 3, 42, timestamp, type, key,
            value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers, 0, -1, -1);
    }

    @Test
    void consoleConsumerLinesUseKafkasDefaultFormatter() {
        var r = record("k".getBytes(StandardCharsets.UTF_8), "v", List.of(io.sluice.record.Header.of("a",
            "1".getBytes(StandardCharsets.UTF_8)), io.sluice.record.Header.of("b", null)), 1234,
            io.sluice.record.TimestampType.CREATE_TIME);
        assertEquals("v\n", ConsoleConsumerTool.Format.of(Map.of()).format(r));
        var all = ConsoleConsumerTool.Format.of(Map.of("print.timestamp", "true", "print.partition", "true",
            "print.offset", "true", "print.headers", "true", "print.key", "true"));
        assertEquals("CreateTime:1234\tPartition:3\tOffset:42\ta:1,b:null\tk\tv\n", all.format(r));
        var keyOnly = ConsoleConsumerTool.Format.of(Map.of("print.key", "true", "key.separator", " => ",
            "print.value", "false", "print.timestamp", "true"));
        assertEquals("LogAppendTime:7 => k\n", keyOnly.format(record("k".getBytes(StandardCharsets.UTF_8), "v", List.of(),
            7, io.sluice.record.TimestampType.LOG_APPEND_TIME)));
        var nulls = ConsoleConsumerTool.Format.of(Map.of("print.key", "true", "print.headers", "true",
            "null.literal", "<null>", "key.separator", "\\t"));
        assertEquals("NO_HEADERS\t<null>\t<null>\n", nulls.format(record(null, null, List.of(), -1,
            io.sluice.record.TimestampType.CREATE_TIME)));
        assertEquals("NO_TIMESTAMP\n", ConsoleConsumerTool.Format.of(Map.of("print.timestamp", "true", "print.value",
            "false")).format(record(null, "v", List.of(), -1, io.sluice.record.TimestampType.CREATE_TIME)));
        assertThrows(ToolException.class, () -> ConsoleConsumerTool.Format.of(Map.of("print.key", "yes")));
        assertThrows(ToolException.class, () -> ConsoleConsumerTool.Format.of(Map.of("print.colour", "true")));
    }

    @Test
    void consoleConsumerOffsetsAndFlagCombinations() {
        assertEquals(-1, ConsoleConsumerTool.parseOffset(null));
        assertEquals(-1, ConsoleConsumerTool.parseOffset("latest"));
        assertEquals(-2, ConsoleConsumerTool.parseOffset("EARLIEST"));
        assertEquals(17, ConsoleConsumerTool.parseOffset("17"));
        assertThrows(ToolException.class, () -> ConsoleConsumerTool.parseOffset("-3"));
        Run noPartition = run("console-consumer.sh", new ConsoleConsumerTool(), "--bootstrap-server", "h:1", "--topic",
            "t", "--offset", "5");
        assertEquals(ExitCodes.USAGE, noPartition.code());
        assertEquals("console-consumer.sh: --offset needs --partition (try --help)", noPartition.err().strip());
        Run both = run("console-consumer.sh", new ConsoleConsumerTool(), "--bootstrap-server", "h:1", "--topic", "t",
            "--partition", "0", "--offset", "1", "--from-beginning");
        assertEquals(ExitCodes.USAGE, both.code());
        assertTrue(both.err().contains("cannot be used together"), both.err());
        Run zero = run("console-consumer.sh", new ConsoleConsumerTool(), "--bootstrap-server", "h:1", "--topic", "t",
            "--max-messages", "0");
        assertEquals(ExitCodes.USAGE, zero.code());
    }

    @Test
    void consumerPerfLinesAreKafkasCsv() {
        java.text.SimpleDateFormat dates = new java.text.SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS", java.util.Locale.ROOT);
        dates.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
        var f = new ConsumerPerfTool.Figures(2 * 1024 * 1024, 1000, 4000, 2000);
        assertEquals("1970-01-01 00:00:01:000, 1970-01-01 00:00:05:000, 2.0000, 0.5000, 1000, 250.0000, 2000, 2000, "
            + "1.0000, 500.0000", ConsumerPerfTool.summaryLine(dates, 1000, 5000, f));
        assertEquals("1970-01-01 00:00:05:000, 0, 0.0000, 0.0000, 0, 0.0000, 0, 0, 0.0000, 0.0000",
            ConsumerPerfTool.detailedLine(dates, 5000, new ConsumerPerfTool.Figures(0, 0, 0, 0)));
    }

    @Test
    void endToEndLatencySummaryIsKafkas() {
        long[] latencies = new long[1000];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = 1000 - i;
        }
        assertEquals(List.of("Avg latency: 2.5000 ms", "Percentiles: 50th = 501, 99th = 991, 99.9th = 1000"),
            EndToEndLatencyTool.summary(2_500_000L * 1000, latencies));
        Run acks = run("end-to-end-latency.sh", new EndToEndLatencyTool(), "h:1", "t", "10", "0", "100");
        assertEquals(ExitCodes.USAGE, acks.code());
        assertTrue(acks.err().startsWith("end-to-end-latency.sh: Latency testing requires synchronous acknowledgement"),
            acks.err());
    }
}
