package io.sluice.core.handler;

import static io.sluice.core.metadata.AdminTestCluster.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.common.config.ConfigType;
import io.sluice.core.log.LogConfig;
import io.sluice.core.metadata.AdminTestCluster;
import io.sluice.core.metadata.ConfigSource;
import io.sluice.protocol.message.AlterConfigsRequest;
import io.sluice.protocol.message.AlterConfigsResponse;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.DescribeConfigsRequest;
import io.sluice.protocol.message.DescribeConfigsResponse;
import io.sluice.protocol.message.DescribeConfigsResponse.Result.Config;
import io.sluice.protocol.message.IncrementalAlterConfigsRequest;
import io.sluice.protocol.message.IncrementalAlterConfigsResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DescribeConfigs, IncrementalAlterConfigs and AlterConfigs against ZooKeeper. */
class ConfigsHandlerIT {
    @RegisterExtension
    static final AdminTestCluster zk = new AdminTestCluster();

    private static final byte TOPIC = ResourceTypes.TOPIC;
    private static final byte BROKER = ResourceTypes.BROKER;
    private static final byte SET = 0;
    private static final byte DELETE = 1;
    private static final byte APPEND = 2;
    private static final byte SUBTRACT = 3;

    private static void create(String name, CreateTopicsRequest.Topic.Config... configs) {
        CreateTopicsResponse r = HandlerCall.call(new CreateTopicsHandler(zk.admin), new CreateTopicsRequest(List.of(
            new CreateTopicsRequest.Topic(name, 1, (short) 1, List.of(), Arrays.asList(configs))), 10_000, false), 7);
        assertEquals(Errors.NONE.code(), r.topics().get(0).errorCode(), r.topics().get(0).errorMessage());
    }

    private static DescribeConfigsResponse.Result describe(int version, byte type, String name, List<String> keys,
                                                           boolean synonyms, boolean documentation) {
        DescribeConfigsResponse r = HandlerCall.call(new DescribeConfigsHandler(zk.admin), new DescribeConfigsRequest(
            List.of(new DescribeConfigsRequest.Resource(type, name, keys)), synonyms, documentation), version);
        assertEquals(1, r.results().size());
        return r.results().get(0);
    }

    private static DescribeConfigsResponse.Result describeTopic(String name) {
        return describe(4, TOPIC, name, null, true, false);
    }

    private static Config config(DescribeConfigsResponse.Result result, String name) {
        return result.configs().stream().filter(c -> c.name().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + name + " in " + result.configs()));
    }

    private static IncrementalAlterConfigsRequest.Resource.Config op(String name, byte op, String value) {
        return new IncrementalAlterConfigsRequest.Resource.Config(name, op, value);
    }

    private static IncrementalAlterConfigsResponse.Response alter(String topic, boolean validateOnly,
                                                                  IncrementalAlterConfigsRequest.Resource.Config... ops) {
        IncrementalAlterConfigsResponse r = HandlerCall.call(new IncrementalAlterConfigsHandler(zk.admin),
            new IncrementalAlterConfigsRequest(List.of(new IncrementalAlterConfigsRequest.Resource(TOPIC, topic,
                List.of(ops))), validateOnly), 1);
        return r.responses().get(0);
    }

    private static AlterConfigsResponse.Response replace(String topic, boolean validateOnly, Map<String, String> configs) {
        List<AlterConfigsRequest.Resource.Config> entries = configs.entrySet().stream()
            .map(e -> new AlterConfigsRequest.Resource.Config(e.getKey(), e.getValue())).toList();
        AlterConfigsResponse r = HandlerCall.call(new AlterConfigsHandler(zk.admin), new AlterConfigsRequest(
            List.of(new AlterConfigsRequest.Resource(TOPIC, topic, entries)), validateOnly), 2);
        return r.responses().get(0);
    }

    private static void assertOk(IncrementalAlterConfigsResponse.Response r) {
        assertEquals(Errors.NONE.code(), r.errorCode(), r.errorMessage());
        assertNull(r.errorMessage());
    }

    private static void assertError(Errors expected, short code, String message, String messagePart) {
        assertEquals(expected.code(), code, () -> "got " + Errors.forCode(code) + ": " + message);
        assertNotNull(message);
        assertTrue(message.contains(messagePart), message);
    }

    // ---- DescribeConfigs --------------------------------------------------------------------------------------

    @Test
    void createdConfigsAreDescribedAsTopicConfigsWithEveryOtherKeyAndItsSource() throws Exception {
        zk.start(options().prop("log.segment.bytes", "5000000"));
        create("described", new CreateTopicsRequest.Topic.Config("retention.ms", "3600000"));
        DescribeConfigsResponse.Result r = describeTopic("described");
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertNull(r.errorMessage());
        assertEquals(TOPIC, r.resourceType());
        assertEquals("described", r.resourceName());
        assertEquals(LogConfig.DEF.names().size(), r.configs().size());

        Config retention = config(r, "retention.ms");
        assertEquals("3600000", retention.value());
        assertEquals(ConfigSource.TOPIC_CONFIG.id, retention.configSource());
        assertEquals(ConfigType.LONG.describeConfigsId, retention.configType());
        assertEquals(List.of(new Config.Synonym("retention.ms", "3600000", ConfigSource.TOPIC_CONFIG.id),
            new Config.Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG.id)), retention.synonyms());
        assertNull(retention.documentation(), "documentation was not asked for");

        Config segment = config(r, "segment.bytes");
        assertEquals("5000000", segment.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id, segment.configSource());

        Config policy = config(r, "cleanup.policy");
        assertEquals("delete", policy.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG.id, policy.configSource());
        assertEquals(ConfigType.LIST.describeConfigsId, policy.configType());
    }

    @Test
    void synonymsDocumentationAndKeyFilterOnlyWhenAsked() throws Exception {
        zk.start();
        create("filtered");
        DescribeConfigsResponse.Result bare = describe(4, TOPIC, "filtered", List.of("segment.bytes", "no.such.key"),
            false, false);
        assertEquals(1, bare.configs().size());
        assertEquals(List.of(), bare.configs().get(0).synonyms());

        DescribeConfigsResponse.Result documented = describe(3, TOPIC, "filtered", List.of("segment.bytes"), true, true);
        assertNotNull(documented.configs().get(0).documentation());
        assertEquals(1, documented.configs().get(0).synonyms().size());

        DescribeConfigsResponse.Result v1 = describe(1, TOPIC, "filtered", null, true, true);
        assertEquals(LogConfig.DEF.names().size(), v1.configs().size());
        assertEquals(0, v1.configs().get(0).configType(), "no config types before v3");
        assertEquals(ConfigSource.DEFAULT_CONFIG.id, v1.configs().get(0).configSource());
    }

    @Test
    void unknownAndIllegalTopics() throws Exception {
        zk.start();
        DescribeConfigsResponse.Result unknown = describeTopic("missing");
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, unknown.errorCode(), unknown.errorMessage(), "missing");
        assertEquals(List.of(), unknown.configs());
        DescribeConfigsResponse.Result illegal = describeTopic("bad/name");
        assertError(Errors.INVALID_TOPIC_EXCEPTION, illegal.errorCode(), illegal.errorMessage(), "illegal");
    }

    @Test
    void brokerResourcesDescribeThisBrokerOnly() throws Exception {
        zk.start(options().prop("num.partitions", "6"));
        DescribeConfigsResponse.Result self = describe(4, BROKER, "1", null, true, false);
        assertEquals(Errors.NONE.code(), self.errorCode());
        Config partitions = config(self, "num.partitions");
        assertEquals("6", partitions.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id, partitions.configSource());
        assertTrue(partitions.readOnly());
        Config segment = config(self, "log.segment.bytes");
        assertEquals("1073741824", segment.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG.id, segment.configSource());

        DescribeConfigsResponse.Result defaults = describe(4, BROKER, "", null, false, false);
        assertEquals(Errors.NONE.code(), defaults.errorCode());
        assertEquals(List.of(), defaults.configs(), "no dynamic cluster-wide defaults");

        DescribeConfigsResponse.Result other = describe(4, BROKER, "2", null, false, false);
        assertError(Errors.INVALID_REQUEST, other.errorCode(), other.errorMessage(), "Unexpected broker id");
        DescribeConfigsResponse.Result logger = describe(4, ResourceTypes.BROKER_LOGGER, "1", null, false, false);
        assertError(Errors.INVALID_REQUEST, logger.errorCode(), logger.errorMessage(), "BROKER_LOGGER");
    }

    // ---- IncrementalAlterConfigs ------------------------------------------------------------------------------

    @Test
    void setAndDeleteRoundTripThroughDescribeConfigs() throws Exception {
        zk.start();
        create("tuned");
        assertOk(alter("tuned", false, op("retention.ms", SET, "1000"), op("max.message.bytes", SET, "2048")));
        assertEquals(Map.of("retention.ms", "1000", "max.message.bytes", "2048"), zk.store.readTopicConfig("tuned"));
        DescribeConfigsResponse.Result described = describeTopic("tuned");
        assertEquals("1000", config(described, "retention.ms").value());
        assertEquals(ConfigSource.TOPIC_CONFIG.id, config(described, "max.message.bytes").configSource());

        assertOk(alter("tuned", false, op("retention.ms", DELETE, null), op("segment.ms", DELETE, null)));
        assertEquals(Map.of("max.message.bytes", "2048"), zk.store.readTopicConfig("tuned"));
        Config retention = config(describeTopic("tuned"), "retention.ms");
        assertEquals("604800000", retention.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG.id, retention.configSource());
        zk.awaitImage("image has the new configs",
            image -> image.topic("tuned").map(t -> t.configs().equals(Map.of("max.message.bytes", "2048"))).orElse(false));
    }

    @Test
    void appendAndSubtractWorkOnListKeysOnly() throws Exception {
        zk.start();
        create("policy");
        assertOk(alter("policy", false, op("cleanup.policy", APPEND, "compact")));
        assertEquals("delete,compact", zk.store.readTopicConfig("policy").get("cleanup.policy"));
        assertOk(alter("policy", false, op("cleanup.policy", APPEND, "compact")));
        assertEquals("delete,compact", zk.store.readTopicConfig("policy").get("cleanup.policy"), "no duplicates");
        assertOk(alter("policy", false, op("cleanup.policy", SUBTRACT, "delete")));
        assertEquals("compact", zk.store.readTopicConfig("policy").get("cleanup.policy"));
        assertEquals("compact", config(describeTopic("policy"), "cleanup.policy").value());

        IncrementalAlterConfigsResponse.Response empty = alter("policy", false, op("cleanup.policy", SUBTRACT, "compact"));
        assertError(Errors.INVALID_CONFIG, empty.errorCode(), empty.errorMessage(), "cleanup.policy");
        IncrementalAlterConfigsResponse.Response notAList = alter("policy", false, op("retention.ms", APPEND, "5"));
        assertError(Errors.INVALID_CONFIG, notAList.errorCode(), notAList.errorMessage(), "not a list");
        assertEquals(Map.of("cleanup.policy", "compact"), zk.store.readTopicConfig("policy"));
    }

    @Test
    void invalidChangesAreRefusedAndNothingIsWritten() throws Exception {
        zk.start();
        create("guarded", new CreateTopicsRequest.Topic.Config("retention.ms", "1000"));
        IncrementalAlterConfigsResponse.Response unknown = alter("guarded", false, op("no.such.key", SET, "1"));
        assertError(Errors.INVALID_CONFIG, unknown.errorCode(), unknown.errorMessage(), "no.such.key");
        IncrementalAlterConfigsResponse.Response bad = alter("guarded", false, op("retention.ms", SET, "-7"),
            op("segment.bytes", SET, "100"));
        assertError(Errors.INVALID_CONFIG, bad.errorCode(), bad.errorMessage(), "retention.ms");
        IncrementalAlterConfigsResponse.Response noValue = alter("guarded", false, op("segment.bytes", SET, null));
        assertError(Errors.INVALID_REQUEST, noValue.errorCode(), noValue.errorMessage(), "segment.bytes");
        IncrementalAlterConfigsResponse.Response badOp = alter("guarded", false, op("segment.bytes", (byte) 9, "1"));
        assertError(Errors.INVALID_REQUEST, badOp.errorCode(), badOp.errorMessage(), "Unknown config operation 9");
        IncrementalAlterConfigsResponse.Response twice = alter("guarded", false, op("segment.bytes", SET, "100000"),
            op("segment.bytes", DELETE, null));
        assertError(Errors.INVALID_REQUEST, twice.errorCode(), twice.errorMessage(), "more than once");
        IncrementalAlterConfigsResponse.Response missing = alter("missing", false, op("segment.bytes", SET, "100000"));
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, missing.errorCode(), missing.errorMessage(), "missing");
        assertEquals(Map.of("retention.ms", "1000"), zk.store.readTopicConfig("guarded"));
    }

    @Test
    void validateOnlyWritesNothing() throws Exception {
        zk.start();
        create("dry");
        assertOk(alter("dry", true, op("retention.ms", SET, "1000")));
        assertEquals(Map.of(), zk.store.readTopicConfig("dry"));
        IncrementalAlterConfigsResponse.Response bad = alter("dry", true, op("retention.ms", SET, "x"));
        assertEquals(Errors.INVALID_CONFIG.code(), bad.errorCode());
    }

    @Test
    void duplicateResourcesAndBrokerResourcesAreInvalidRequests() throws Exception {
        zk.start();
        create("dup");
        IncrementalAlterConfigsResponse r = HandlerCall.call(new IncrementalAlterConfigsHandler(zk.admin),
            new IncrementalAlterConfigsRequest(List.of(
                new IncrementalAlterConfigsRequest.Resource(TOPIC, "dup", List.of(op("retention.ms", SET, "1")))  ,
                new IncrementalAlterConfigsRequest.Resource(BROKER, "1", List.of(op("num.partitions", SET, "3"))),
                new IncrementalAlterConfigsRequest.Resource(TOPIC, "dup", List.of(op("retention.ms", SET, "2")))),
                false), 0);
        assertEquals(3, r.responses().size());
        assertError(Errors.INVALID_REQUEST, r.responses().get(0).errorCode(), r.responses().get(0).errorMessage(),
            "more than once");
        assertEquals(Errors.INVALID_REQUEST.code(), r.responses().get(2).errorCode());
        assertEquals(new IncrementalAlterConfigsResponse.Response(Errors.INVALID_REQUEST.code(),
            "dynamic broker configuration is not supported; edit server.properties and restart", BROKER, "1"),
            r.responses().get(1));
        assertEquals(Map.of(), zk.store.readTopicConfig("dup"));
    }

    @Test
    void concurrentChangesOfDifferentKeysAllLand() throws Exception {
        zk.start();
        create("busy");
        List<String> keys = List.of("retention.ms", "segment.ms", "delete.retention.ms", "flush.ms",
            "file.delete.delay.ms", "min.compaction.lag.ms");
        List<Thread> threads = keys.stream().map(k -> new Thread(() -> assertOk(alter("busy", false, op(k, SET, "12345")))))
            .toList();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(30_000);
        }
        Map<String, String> configs = zk.store.readTopicConfig("busy");
        keys.forEach(k -> assertEquals("12345", configs.get(k), k + " in " + configs));
    }

    // ---- AlterConfigs -----------------------------------------------------------------------------------------

    @Test
    void alterConfigsReplacesTheWholeOverrideSet() throws Exception {
        zk.start();
        create("replaced", new CreateTopicsRequest.Topic.Config("retention.ms", "1000"),
            new CreateTopicsRequest.Topic.Config("cleanup.policy", "compact"));
        AlterConfigsResponse.Response r = replace("replaced", false, Map.of("segment.bytes", "100000"));
        assertEquals(Errors.NONE.code(), r.errorCode(), r.errorMessage());
        assertEquals(Map.of("segment.bytes", "100000"), zk.store.readTopicConfig("replaced"));
        DescribeConfigsResponse.Result described = describeTopic("replaced");
        assertEquals(ConfigSource.DEFAULT_CONFIG.id, config(described, "retention.ms").configSource());
        assertEquals(ConfigSource.TOPIC_CONFIG.id, config(described, "segment.bytes").configSource());

        AlterConfigsResponse.Response dry = replace("replaced", true, Map.of());
        assertEquals(Errors.NONE.code(), dry.errorCode());
        assertEquals(Map.of("segment.bytes", "100000"), zk.store.readTopicConfig("replaced"), "validate only");

        AlterConfigsResponse.Response bad = replace("replaced", false, Map.of("segment.bytes", "lots"));
        assertError(Errors.INVALID_CONFIG, bad.errorCode(), bad.errorMessage(), "segment.bytes");
        AlterConfigsResponse.Response unknown = replace("nothing-here", false, Map.of("segment.bytes", "100000"));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), unknown.errorCode());

        AlterConfigsResponse broker = HandlerCall.call(new AlterConfigsHandler(zk.admin), new AlterConfigsRequest(
            List.of(new AlterConfigsRequest.Resource(BROKER, "1", List.of())), false), 0);
        assertError(Errors.INVALID_REQUEST, broker.responses().get(0).errorCode(), broker.responses().get(0).errorMessage(),
            "dynamic broker configuration is not supported");
    }
}
